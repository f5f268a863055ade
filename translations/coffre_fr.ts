<?xml version="1.0" encoding="utf-8"?>
<!DOCTYPE TS>
<TS version="2.1" language="fr">
<context>
    <name>ArchiveReader</name>
    <message>
        <source>The archive “%1” is damaged or truncated.</source>
        <translation>L’archive «&#xa0;%1&#xa0;» est endommagée ou tronquée.</translation>
    </message>
    <message>
        <source>The archive “%1” cannot be opened.</source>
        <translation>Impossible d’ouvrir l’archive «&#xa0;%1&#xa0;».</translation>
    </message>
</context>
<context>
    <name>AtomicFile</name>
    <message>
        <source>Could not write “%1”.</source>
        <translation>Impossible d’écrire «&#xa0;%1&#xa0;».</translation>
    </message>
</context>
<context>
    <name>AuditLog</name>
    <message>
        <source>No repository to keep the audit log in.</source>
        <translation>Aucun dépôt où conserver le journal d’audit.</translation>
    </message>
    <message>
        <source>The audit log %1 cannot be written.</source>
        <translation>Le journal d’audit %1 ne peut pas être écrit.</translation>
    </message>
    <message>
        <source>The audit log %1 cannot be read.</source>
        <translation>Le journal d’audit %1 ne peut pas être lu.</translation>
    </message>
</context>
<context>
    <name>AwsEnvironment</name>
    <message>
        <source>&quot;%1&quot; is not an endpoint address: write https://host[:port].</source>
        <translation>«&#xa0;%1&#xa0;» n’est pas une adresse de point d’accès&#xa0;: écrivez https://hôte[:port].</translation>
    </message>
    <message>
        <source>No secret is known for the access key %1: save it with the profile (it goes to the system keychain), or set AWS_SECRET_ACCESS_KEY, or put it in ~/.aws/credentials.</source>
        <translation>Aucun secret n’est connu pour la clé d’accès %1&#xa0;: enregistrez-le avec le profil (il va dans le trousseau du système), définissez AWS_SECRET_ACCESS_KEY, ou mettez-le dans ~/.aws/credentials.</translation>
    </message>
    <message>
        <source>No S3 credentials: give an access key with the profile, or set AWS_ACCESS_KEY_ID and AWS_SECRET_ACCESS_KEY, or put them in ~/.aws/credentials.</source>
        <translation>Aucun identifiant S3&#xa0;: indiquez une clé d’accès dans le profil, définissez AWS_ACCESS_KEY_ID et AWS_SECRET_ACCESS_KEY, ou mettez-les dans ~/.aws/credentials.</translation>
    </message>
</context>
<context>
    <name>Backup</name>
    <message>
        <source>The backup “%1” is %2: %3</source>
        <translation>La sauvegarde «&#xa0;%1&#xa0;» est %2&#xa0;: %3</translation>
    </message>
    <message>
        <source>complete</source>
        <translation>complète</translation>
    </message>
    <message>
        <source>incomplete</source>
        <translation>incomplète</translation>
    </message>
    <message>
        <source>damaged</source>
        <translation>endommagée</translation>
    </message>
</context>
<context>
    <name>BackupDescription</name>
    <message>
        <source>  status: %1</source>
        <translation>  état&#xa0;: %1</translation>
    </message>
    <message>
        <source>  size: %1</source>
        <translation>  taille&#xa0;: %1</translation>
    </message>
    <message>
        <source>  kind: %1, made on %2 by Coffre %3 on %4 (profile %5), in %6 s</source>
        <translation>  type&#xa0;: %1, faite le %2 par Coffre %3 sur %4 (profil %5), en %6 s</translation>
    </message>
    <message>
        <source>  note: %1</source>
        <translation>  note&#xa0;: %1</translation>
    </message>
    <message numerus="yes">
        <source>  database %1: PostgreSQL %2, pg_dump %3, %4, %n table(s)</source>
        <translation>
            <numerusform>  base de données %1&#xa0;: PostgreSQL %2, pg_dump %3, %4, %n table</numerusform>
            <numerusform>  base de données %1&#xa0;: PostgreSQL %2, pg_dump %3, %4, %n tables</numerusform>
        </translation>
    </message>
    <message numerus="yes">
        <source>  folder %1 (%2): %n file(s), %3</source>
        <translation>
            <numerusform>  dossier %1 (%2)&#xa0;: %n fichier, %3</numerusform>
            <numerusform>  dossier %1 (%2)&#xa0;: %n fichiers, %3</numerusform>
        </translation>
    </message>
    <message>
        <source>  files:</source>
        <translation>  fichiers&#xa0;:</translation>
    </message>
    <message>
        <source>    deleted while the backup ran, so not in it: %1</source>
        <translation>    supprimés pendant la sauvegarde, donc absents de celle-ci&#xa0;: %1</translation>
    </message>
</context>
<context>
    <name>BackupFiles</name>
    <message>
        <source>Reading the list of %1…</source>
        <translation>Lecture de la liste de %1…</translation>
    </message>
    <message>
        <source>Canceled.</source>
        <translation>Annulé.</translation>
    </message>
    <message>
        <source>“%1” is not a file of the backup “%2”.</source>
        <translation>«&#xa0;%1&#xa0;» n’est pas un fichier de la sauvegarde «&#xa0;%2&#xa0;».</translation>
    </message>
    <message>
        <source>“%1” is not a file: it has no content to show.</source>
        <translation>«&#xa0;%1&#xa0;» n’est pas un fichier&#xa0;: il n’a pas de contenu à afficher.</translation>
    </message>
</context>
<context>
    <name>BackupJob</name>
    <message>
        <source>Backup %1 complete.</source>
        <translation>Sauvegarde %1 terminée.</translation>
    </message>
    <message>
        <source>The backup was canceled.</source>
        <translation>La sauvegarde a été annulée.</translation>
    </message>
    <message>
        <source>Checking…</source>
        <translation>Vérification…</translation>
    </message>
    <message>
        <source>Choose at least one part to back up.</source>
        <translation>Choisissez au moins un élément à sauvegarder.</translation>
    </message>
    <message>
        <source>The profile names no database.</source>
        <translation>Le profil n’indique aucune base de données.</translation>
    </message>
    <message>
        <source>The profile names no source folder.</source>
        <translation>Le profil n’indique aucun dossier source.</translation>
    </message>
    <message>
        <source>The backup folder “%1” cannot be created.</source>
        <translation>Le dossier des sauvegardes «&#xa0;%1&#xa0;» ne peut pas être créé.</translation>
    </message>
    <message>
        <source>Not enough free space in “%1”: about %2 are needed and %3 are free.</source>
        <translation>Espace libre insuffisant dans «&#xa0;%1&#xa0;»&#xa0;: environ %2 sont nécessaires et %3 sont libres.</translation>
    </message>
    <message>
        <source>The backup folder cannot be created in “%1”.</source>
        <translation>Le dossier de la sauvegarde ne peut pas être créé dans «&#xa0;%1&#xa0;».</translation>
    </message>
    <message>
        <source>“%1” is not a valid backup name: use letters, digits, &apos;-&apos;, &apos;_&apos; and &apos;.&apos;.</source>
        <translation>«&#xa0;%1&#xa0;» n’est pas un nom de sauvegarde valide&#xa0;: utilisez des lettres, des chiffres, &apos;-&apos;, &apos;_&apos; et &apos;.&apos;.</translation>
    </message>
    <message>
        <source>A backup named “%1” already exists.</source>
        <translation>Une sauvegarde nommée «&#xa0;%1&#xa0;» existe déjà.</translation>
    </message>
    <message>
        <source>Backing up…</source>
        <translation>Sauvegarde en cours…</translation>
    </message>
    <message>
        <source>Could not count the rows of %1.%2.</source>
        <translation>Impossible de compter les lignes de %1.%2.</translation>
    </message>
    <message>
        <source>Writing the manifest…</source>
        <translation>Écriture du manifeste…</translation>
    </message>
    <message>
        <source>The database settings were not recorded: %1</source>
        <translation>Les paramètres de la base de données n’ont pas été enregistrés&#xa0;: %1</translation>
    </message>
    <message>
        <source>%1: %2 of %3 packs unchanged since an earlier backup, linked rather than written (%4).</source>
        <translation>%1&#xa0;: %2 paquets sur %3 inchangés depuis une sauvegarde précédente, liés plutôt que réécrits (%4).</translation>
    </message>
    <message>
        <source>The Prisma migrations were not recorded: %1</source>
        <translation>Les migrations Prisma n’ont pas été enregistrées&#xa0;: %1</translation>
    </message>
</context>
<context>
    <name>BackupSite</name>
    <message>
        <source>These backups are on this computer already.</source>
        <translation>Ces sauvegardes sont déjà sur cet ordinateur.</translation>
    </message>
    <message>
        <source>Download copies this backup into a folder of this computer.</source>
        <translation>Télécharger copie cette sauvegarde dans un dossier de cet ordinateur.</translation>
    </message>
    <message>
        <source>Import sends a backup folder of this computer.</source>
        <translation>Importer envoie un dossier de sauvegarde de cet ordinateur.</translation>
    </message>
</context>
<context>
    <name>BackupWarnings</name>
    <message>
        <source>The database dump is %1 % smaller than in %2 (%3 → %4).</source>
        <translation>Le dump de la base de données est plus petit de %1&#xa0;% que dans %2 (%3 → %4).</translation>
    </message>
    <message>
        <source>Empty or gone since: %1.</source>
        <translation>Tables désormais vides ou disparues&#xa0;: %1.</translation>
    </message>
    <message>
        <source>The folder %1 holds %2 % less than in %3 (%4 in %5 files → %6 in %7 files): was its disk mounted?</source>
        <translation>Le dossier %1 contient %2&#xa0;% de moins que dans %3 (%4 en %5 fichiers → %6 en %7 fichiers)&#xa0;: son disque était-il monté&#xa0;?</translation>
    </message>
    <message>
        <source>The disk holding the backups is %1 % full (%2 free; the warning starts at %3 %).</source>
        <translation>Le disque des sauvegardes est plein à %1&#xa0;% (%2 libres&#xa0;; l’avertissement commence à %3&#xa0;%).</translation>
    </message>
</context>
<context>
    <name>BrowseCommands</name>
    <message>
        <source>Name the backup.</source>
        <translation>Nommez la sauvegarde.</translation>
    </message>
    <message>
        <source>“%1” is a binary file (%2): use extract to get it.</source>
        <translation>«&#xa0;%1&#xa0;» est un fichier binaire (%2)&#xa0;: utilisez extract pour le récupérer.</translation>
    </message>
    <message>
        <source>(the first %1 of %2 shown; use extract for the whole file)</source>
        <translation>(les premiers %1 sur %2 sont affichés&#xa0;; utilisez extract pour le fichier entier)</translation>
    </message>
    <message>
        <source>Name one backup; give the folder with --path.</source>
        <translation>Nommez une seule sauvegarde&#xa0;; indiquez le dossier avec --path.</translation>
    </message>
    <message>
        <source>“%1” is not in the backup %2.</source>
        <translation>«&#xa0;%1&#xa0;» n’est pas dans la sauvegarde %2.</translation>
    </message>
    <message>
        <source>TYPE</source>
        <translation>TYPE</translation>
    </message>
    <message>
        <source>SIZE</source>
        <translation>TAILLE</translation>
    </message>
    <message>
        <source>MODIFIED</source>
        <translation>MODIFIÉ</translation>
    </message>
    <message>
        <source>NAME</source>
        <translation>NOM</translation>
    </message>
    <message>
        <source>Name the files or folders to extract, and the folder to put them in with --to.</source>
        <translation>Nommez les fichiers ou dossiers à extraire, et le dossier où les mettre avec --to.</translation>
    </message>
    <message>
        <source>Not compared, the folder is not there: %1</source>
        <translation>Non comparé, le dossier n’existe pas&#xa0;: %1</translation>
    </message>
    <message>
        <source>%1 added, %2 removed, %3 changed, %4 unchanged since %5.</source>
        <translation>%1 ajoutés, %2 supprimés, %3 modifiés, %4 inchangés depuis %5.</translation>
    </message>
    <message>
        <source>The folder or file inside the backup, starting with the source&apos;s label (backend/src). Without it: the sources.</source>
        <translation>Le dossier ou fichier dans la sauvegarde, en commençant par le libellé de la source (backend/src). Sans cela&#xa0;: les sources.</translation>
    </message>
    <message>
        <source>Copy files or folders out of a backup, without restoring it.</source>
        <translation>Copier des fichiers ou dossiers hors d’une sauvegarde, sans la restaurer.</translation>
    </message>
    <message>
        <source>The folder to put them in (each under its own name).</source>
        <translation>Le dossier où les mettre (chacun sous son propre nom).</translation>
    </message>
    <message>
        <source>SCHEMA</source>
        <translation>SCHÉMA</translation>
    </message>
    <message>
        <source>OWNER</source>
        <translation>PROPRIÉTAIRE</translation>
    </message>
    <message>
        <source>ROWS</source>
        <translation>LIGNES</translation>
    </message>
    <message>
        <source>List a folder of a backup&apos;s source archives, print one of its text files, or list its database objects.</source>
        <translation>Lister un dossier des archives sources d’une sauvegarde, afficher l’un de ses fichiers texte, ou lister les objets de sa base de données.</translation>
    </message>
    <message>
        <source>List the objects of the backup&apos;s database dump instead (tables with their rows).</source>
        <translation>Lister plutôt les objets du dump de la base de données (les tables avec leurs lignes).</translation>
    </message>
    <message>
        <source>--tree answers in JSON only: give --json.</source>
        <translation>--tree ne répond qu’en JSON&#xa0;: ajoutez --json.</translation>
    </message>
    <message>
        <source>With --json: every entry of every source, for a desktop&apos;s Browse.</source>
        <translation>Avec --json&#xa0;: chaque entrée de chaque source, pour l’exploration depuis un poste.</translation>
    </message>
    <message>
        <source>Files added, removed and changed in the source folders and the documents bucket since a backup.</source>
        <translation>Fichiers ajoutés, supprimés et modifiés dans les dossiers sources et le compartiment des documents depuis une sauvegarde.</translation>
    </message>
</context>
<context>
    <name>BucketComparison</name>
    <message>
        <source>Canceled.</source>
        <translation>Annulé.</translation>
    </message>
    <message>
        <source>Reading “%1” to compare it…</source>
        <translation>Lecture de «&#xa0;%1&#xa0;» pour le comparer…</translation>
    </message>
</context>
<context>
    <name>BucketRestore</name>
    <message>
        <source>The archive of the bucket in this backup does not match its manifest: nothing more was put back.</source>
        <translation>L’archive du compartiment dans cette sauvegarde ne correspond pas à son manifeste&#xa0;: rien de plus n’a été remis en place.</translation>
    </message>
    <message>
        <source>Putting the objects of %1 back…</source>
        <translation>Remise en place des objets de %1…</translation>
    </message>
    <message>
        <source>Canceled.</source>
        <translation>Annulé.</translation>
    </message>
    <message>
        <source>Cannot write %1.</source>
        <translation>Impossible d’écrire %1.</translation>
    </message>
    <message>
        <source>The storage holds other bytes than were sent for “%1”.</source>
        <translation>Le stockage contient pour «&#xa0;%1&#xa0;» d’autres octets que ceux qui ont été envoyés.</translation>
    </message>
    <message>
        <source>Put back “%1” (%2 bytes).</source>
        <translation>«&#xa0;%1&#xa0;» remis en place (%2 octets).</translation>
    </message>
    <message>
        <source>Removing the objects added since the backup…</source>
        <translation>Suppression des objets ajoutés depuis la sauvegarde…</translation>
    </message>
    <message>
        <source>Removed “%1”, added since the backup.</source>
        <translation>«&#xa0;%1&#xa0;», ajouté depuis la sauvegarde, a été supprimé.</translation>
    </message>
    <message>
        <source>The safety backup %1 of the bucket is not usable: %2</source>
        <translation>La copie de sécurité %1 du compartiment est inutilisable&#xa0;: %2</translation>
    </message>
    <message>
        <source>The safety backup %1 holds no bucket “%2”.</source>
        <translation>La copie de sécurité %1 ne contient aucun compartiment «&#xa0;%2&#xa0;».</translation>
    </message>
    <message>
        <source>“%1” was changed after the restore and is kept.</source>
        <translation>«&#xa0;%1&#xa0;» a été modifié après la restauration&#xa0;: il est conservé.</translation>
    </message>
    <message>
        <source>Removed “%1”, which the restore had added.</source>
        <translation>«&#xa0;%1&#xa0;», que la restauration avait ajouté, a été supprimé.</translation>
    </message>
</context>
<context>
    <name>BucketSnapshot</name>
    <message>
        <source>Listing %1…</source>
        <translation>Listage de %1…</translation>
    </message>
    <message>
        <source>Could not start the archive of %1.</source>
        <translation>Impossible de démarrer l’archivage de %1.</translation>
    </message>
    <message>
        <source>Could not archive the object “%1” of %2.</source>
        <translation>Impossible d’archiver l’objet «&#xa0;%1&#xa0;» de %2.</translation>
    </message>
    <message>
        <source>The object “%1” of %2 changed while the backup read it: run the backup again.</source>
        <translation>L’objet «&#xa0;%1&#xa0;» de %2 a changé pendant que la sauvegarde le lisait&#xa0;: relancez la sauvegarde.</translation>
    </message>
    <message>
        <source>Stopped.</source>
        <translation>Arrêté.</translation>
    </message>
    <message>
        <source>The object “%1” was deleted while the backup ran.</source>
        <translation>L’objet «&#xa0;%1&#xa0;» a été supprimé pendant la sauvegarde.</translation>
    </message>
</context>
<context>
    <name>Catalog</name>
    <message>
        <source>The file “%1” is missing.</source>
        <translation>Le fichier «&#xa0;%1&#xa0;» est absent.</translation>
    </message>
    <message>
        <source>The file “%1” has %2 bytes instead of %3.</source>
        <translation>Le fichier «&#xa0;%1&#xa0;» fait %2 octets au lieu de %3.</translation>
    </message>
    <message>
        <source>No manifest: the backup was interrupted or is still being written.</source>
        <translation>Aucun manifeste&#xa0;: la sauvegarde a été interrompue ou est encore en cours d’écriture.</translation>
    </message>
    <message>
        <source>The repository folder “%1” does not exist.</source>
        <translation>Le dossier du dépôt «&#xa0;%1&#xa0;» n’existe pas.</translation>
    </message>
    <message>
        <source>The repository “%1” is not a readable folder.</source>
        <translation>Le dépôt «&#xa0;%1&#xa0;» n’est pas un dossier lisible.</translation>
    </message>
</context>
<context>
    <name>ChildProcess</name>
    <message>
        <source>Could not start %1.</source>
        <translation>Impossible de lancer %1.</translation>
    </message>
    <message>
        <source>Stopped.</source>
        <translation>Arrêté.</translation>
    </message>
    <message>
        <source>%1 failed (exit status %2).</source>
        <translation>Échec de %1 (code de sortie %2).</translation>
    </message>
</context>
<context>
    <name>Cli</name>
    <message>
        <source>Usage: coffre-cli [global options] COMMAND [options]

Backs up and restores a web application: its PostgreSQL database and its source folders.

Commands:
</source>
        <translation>Usage&#xa0;: coffre-cli [options globales] COMMANDE [options]

Sauvegarde et restaure une application web&#xa0;: sa base de données PostgreSQL et ses dossiers sources.

Commandes&#xa0;:
</translation>
    </message>
    <message>
        <source>
Global options:
</source>
        <translation>
Options globales&#xa0;:
</translation>
    </message>
    <message>
        <source>
&apos;coffre-cli COMMAND --help&apos; describes one command.
Exit status: 0 on success, 1 on failure, 2 on bad usage.
</source>
        <translation>
&apos;coffre-cli COMMANDE --help&apos; décrit une commande.
Code de sortie&#xa0;: 0 en cas de succès, 1 en cas d’échec, 2 en cas d’utilisation incorrecte.
</translation>
    </message>
    <message>
        <source>coffre-cli: unknown command “%1”; &apos;coffre-cli --help&apos; lists them.</source>
        <translation>coffre-cli&#xa0;: commande inconnue «&#xa0;%1&#xa0;»&#xa0;; &apos;coffre-cli --help&apos; donne la liste des commandes.</translation>
    </message>
    <message>
        <source>Show this help.</source>
        <translation>Afficher cette aide.</translation>
    </message>
    <message>
        <source>Print the version, and with --json the protocol a desktop checks.</source>
        <translation>Affiche la version, et avec --json le protocole que vérifie un poste.</translation>
    </message>
    <message>
        <source>Answer with one JSON document (errors too: {&quot;error&quot;: {code, message}}).</source>
        <translation>Répond par un document JSON (les erreurs aussi&#xa0;: {&quot;error&quot;: {code, message}}).</translation>
    </message>
    <message>
        <source>With json: stream progress as JSON lines on stdout, then one result or error line (the desktop&apos;s protocol).</source>
        <translation>Avec json&#xa0;: la progression en lignes JSON sur la sortie standard, puis une ligne de résultat ou d’erreur (le protocole du poste).</translation>
    </message>
    <message>
        <source>Cancel the job when standard input closes (how the desktop cancels over ssh).</source>
        <translation>Annule la tâche quand l’entrée standard se ferme (ainsi le poste annule par ssh).</translation>
    </message>
    <message>
        <source>Read the database password from the first line of standard input.</source>
        <translation>Lit le mot de passe de la base sur la première ligne de l’entrée standard.</translation>
    </message>
    <message>
        <source>--progress takes the word json.</source>
        <translation>--progress prend le mot json.</translation>
    </message>
</context>
<context>
    <name>CliJobRunner</name>
    <message>
        <source>Canceling…</source>
        <translation>Annulation…</translation>
    </message>
    <message>
        <source>Password for %1: </source>
        <translation>Mot de passe pour %1&#xa0;: </translation>
    </message>
    <message>
        <source>Standard input closed: canceling.</source>
        <translation>Entrée standard fermée&#xa0;: annulation.</translation>
    </message>
</context>
<context>
    <name>CliTarget</name>
    <message>
        <source>Work on the stored profile NAME.</source>
        <translation>Utiliser le profil enregistré NAME.</translation>
    </message>
    <message>
        <source>The database, as a libpq connection string or URI (no password: use ~/.pgpass).</source>
        <translation>La base de données, sous forme de chaîne de connexion ou d’URI libpq (sans mot de passe&#xa0;: utilisez ~/.pgpass).</translation>
    </message>
    <message>
        <source>A source folder to back up; repeatable.</source>
        <translation>Un dossier source à sauvegarder&#xa0;; option répétable.</translation>
    </message>
    <message>
        <source>A name or pattern to leave out; repeatable.</source>
        <translation>Un nom ou un motif à exclure&#xa0;; option répétable.</translation>
    </message>
    <message>
        <source>No profile exists yet: give --profile NAME, or --repository DIR for an ad-hoc run.</source>
        <translation>Aucun profil n’existe encore&#xa0;: indiquez --profile NAME, ou --repository DIR pour une exécution ponctuelle.</translation>
    </message>
    <message>
        <source>Several profiles exist; choose one with --profile NAME (%1).</source>
        <translation>Plusieurs profils existent&#xa0;; choisissez-en un avec --profile NAME (%1).</translation>
    </message>
    <message>
        <source>--source takes LABEL=PATH, with a label of letters, digits, &apos;-&apos;, &apos;_&apos; or &apos;.&apos; (found “%1”).</source>
        <translation>--source attend LABEL=PATH, avec un libellé composé de lettres, de chiffres, &apos;-&apos;, &apos;_&apos; ou &apos;.&apos; (trouvé&#xa0;: «&#xa0;%1&#xa0;»).</translation>
    </message>
    <message>
        <source>No repository: give --repository DIR or a --profile that has one.</source>
        <translation>Aucun dépôt&#xa0;: indiquez --repository DIR ou un --profile qui en définit un.</translation>
    </message>
    <message>
        <source>There is no backup named “%1” in %2.</source>
        <translation>Il n’y a pas de sauvegarde nommée «&#xa0;%1&#xa0;» dans %2.</translation>
    </message>
    <message>
        <source>The folder that holds the backups; s3://BUCKET/FOLDER works on the off-site copies.</source>
        <translation>Le dossier qui contient les sauvegardes&#xa0;; s3://BUCKET/FOLDER agit sur les copies hors site.</translation>
    </message>
    <message>
        <source>Where off-site copies go: s3://BUCKET/FOLDER (keys from AWS_ACCESS_KEY_ID, AWS_SECRET_ACCESS_KEY or ~/.aws/credentials).</source>
        <translation>La destination des copies hors site&#xa0;: s3://BUCKET/FOLDER (clés lues dans AWS_ACCESS_KEY_ID, AWS_SECRET_ACCESS_KEY ou ~/.aws/credentials).</translation>
    </message>
    <message>
        <source>The object storage&apos;s address for a MinIO, R2 or other S3 service (default: AWS, or AWS_ENDPOINT_URL).</source>
        <translation>L’adresse du stockage objet pour MinIO, R2 ou un autre service S3 (par défaut&#xa0;: AWS, ou AWS_ENDPOINT_URL).</translation>
    </message>
    <message>
        <source>The storage&apos;s region (default: AWS_REGION, else us-east-1).</source>
        <translation>La région du stockage (par défaut&#xa0;: AWS_REGION, sinon us-east-1).</translation>
    </message>
    <message>
        <source>The application&apos;s uploaded documents: s3://BUCKET/FOLDER, snapshotted with each backup and put back by restore. --s3-endpoint, --s3-region and --s3-ca-file apply to it too, unless --documents-endpoint is given.</source>
        <translation>Les documents déposés dans l’application&#xa0;: s3://BUCKET/FOLDER, capturés à chaque sauvegarde et remis en place par restore. --s3-endpoint, --s3-region et --s3-ca-file s’y appliquent aussi, sauf si --documents-endpoint est indiqué.</translation>
    </message>
    <message>
        <source>The address of the documents&apos; storage when it is not the off-site one (a MinIO beside the application).</source>
        <translation>L’adresse du stockage des documents quand ce n’est pas celui des copies hors site (un MinIO à côté de l’application).</translation>
    </message>
    <message>
        <source>PEM certificates to trust for a private storage server.</source>
        <translation>Les certificats PEM à approuver pour un serveur de stockage privé.</translation>
    </message>
    <message>
        <source>--documents-endpoint needs a documents bucket: give --documents s3://BUCKET/FOLDER.</source>
        <translation>--documents-endpoint nécessite un compartiment des documents&#xa0;: indiquez --documents s3://BUCKET/FOLDER.</translation>
    </message>
    <message>
        <source>%1 is a server profile: give --profile %1 so that this runs on its server.</source>
        <translation>%1 est un profil de serveur&#xa0;: indiquez --profile %1 pour que la commande s’exécute sur son serveur.</translation>
    </message>
    <message>
        <source>--db holds a password: Coffre never takes one there (it shows in the process list and in the shell&apos;s history, and pg_dump would not get it). Remove it, and give the password with --password-stdin, in ~/.pgpass, or at the prompt.</source>
        <translation>--db contient un mot de passe&#xa0;: Coffre n’en prend jamais à cet endroit (il serait visible dans la liste des processus et dans l’historique du shell, et pg_dump ne le recevrait pas). Retirez-le, et donnez le mot de passe avec --password-stdin, dans ~/.pgpass, ou à la demande.</translation>
    </message>
</context>
<context>
    <name>CompressedFileWriter</name>
    <message>
        <source>The disk holding the backups is full (writing “%1”).</source>
        <translation>Le disque des sauvegardes est plein (écriture de «&#xa0;%1&#xa0;»).</translation>
    </message>
    <message>
        <source>Could not write “%1”.</source>
        <translation>Impossible d’écrire «&#xa0;%1&#xa0;».</translation>
    </message>
</context>
<context>
    <name>CreateCommand</name>
    <message>
        <source>Name of the backup (default: backup_YYYYMMDD_HHMMSS).</source>
        <translation>Nom de la sauvegarde (par défaut&#xa0;: backup_YYYYMMDD_HHMMSS).</translation>
    </message>
    <message>
        <source>A note kept with the backup.</source>
        <translation>Une note conservée avec la sauvegarde.</translation>
    </message>
    <message>
        <source>Leave the database out.</source>
        <translation>Exclure la base de données.</translation>
    </message>
    <message>
        <source>Leave the source folders out.</source>
        <translation>Exclure les dossiers sources.</translation>
    </message>
    <message>
        <source>Also keep the database as plain SQL, for reading by eye.</source>
        <translation>Conserver aussi la base de données en SQL brut, lisible directement.</translation>
    </message>
    <message>
        <source>Compress with gzip instead of zstd, for old tooling.</source>
        <translation>Compresser avec gzip au lieu de zstd, pour les outils anciens.</translation>
    </message>
    <message>
        <source>--no-db and --no-sources together leave nothing to back up.</source>
        <translation>--no-db et --no-sources ensemble ne laissent rien à sauvegarder.</translation>
    </message>
    <message>
        <source>Back up the database and the source folders now.</source>
        <translation>Sauvegarder maintenant la base de données et les dossiers sources.</translation>
    </message>
    <message>
        <source>Leave the documents bucket out.</source>
        <translation>Exclure le compartiment des documents.</translation>
    </message>
    <message>
        <source>Mark the backup as scheduled (for timers and cron) and notify as the profile says (coffre-cli notify).</source>
        <translation>Marquer la sauvegarde comme planifiée (pour les timers et cron) et notifier comme le prévoit le profil (coffre-cli notify).</translation>
    </message>
    <message>
        <source>Notify as the profile says, as a scheduled run does.</source>
        <translation>Notifier comme le prévoit le profil, comme le fait une exécution planifiée.</translation>
    </message>
    <message>
        <source>could not notify: %1</source>
        <translation>notification impossible&#xa0;: %1</translation>
    </message>
    <message>
        <source>warning: %1</source>
        <translation>avertissement&#xa0;: %1</translation>
    </message>
    <message>
        <source>Copied to %1; every checksum matched.</source>
        <translation>Copiée vers %1&#xa0;; chaque somme de contrôle concorde.</translation>
    </message>
</context>
<context>
    <name>CustomDumpIndexer</name>
    <message>
        <source>table of contents too large</source>
        <translation>table des matières (TOC) trop volumineuse</translation>
    </message>
    <message>
        <source>unknown block type %1</source>
        <translation>type de bloc %1 inconnu</translation>
    </message>
    <message>
        <source>negative chunk length</source>
        <translation>longueur de segment négative</translation>
    </message>
    <message>
        <source>The dump&apos;s data positions could not be read: %1</source>
        <translation>Impossible de lire les positions des données du dump&#xa0;: %1</translation>
    </message>
    <message>
        <source>Cannot update “%1”.</source>
        <translation>Impossible de mettre à jour «&#xa0;%1&#xa0;».</translation>
    </message>
    <message>
        <source>an integer of a data block is out of range: the dump is damaged or forged</source>
        <translation>un entier d’un bloc de données est hors limites&#xa0;: le dump est endommagé ou falsifié</translation>
    </message>
</context>
<context>
    <name>DatabaseAdmin</name>
    <message>
        <source>Could not create the database “%1”.</source>
        <translation>Impossible de créer la base de données «&#xa0;%1&#xa0;».</translation>
    </message>
    <message>
        <source>Could not carry the database settings over to “%1”.</source>
        <translation>Impossible de reporter les paramètres de la base de données sur «&#xa0;%1&#xa0;».</translation>
    </message>
    <message>
        <source>Could not end the other sessions on “%1”.</source>
        <translation>Impossible de fermer les autres sessions sur «&#xa0;%1&#xa0;».</translation>
    </message>
    <message>
        <source>Could not change who may connect to “%1”.</source>
        <translation>Impossible de modifier les droits de connexion à «&#xa0;%1&#xa0;».</translation>
    </message>
    <message>
        <source>Could not put the restored database in place of “%1”.</source>
        <translation>Impossible de mettre la base de données restaurée à la place de «&#xa0;%1&#xa0;».</translation>
    </message>
    <message>
        <source>Could not rename the database “%1”.</source>
        <translation>Impossible de renommer la base de données «&#xa0;%1&#xa0;».</translation>
    </message>
    <message>
        <source>Could not remove the temporary database “%1”.</source>
        <translation>Impossible de supprimer la base de données temporaire «&#xa0;%1&#xa0;».</translation>
    </message>
    <message>
        <source>The database name “%1” is longer than PostgreSQL allows (63 bytes).</source>
        <translation>Le nom de base de données «&#xa0;%1&#xa0;» dépasse la longueur permise par PostgreSQL (63 octets).</translation>
    </message>
    <message>
        <source>The database “%1” is not the one Coffre created: it was left alone.</source>
        <translation>La base de données «&#xa0;%1&#xa0;» n’est pas celle que Coffre a créée&#xa0;: elle n’a pas été touchée.</translation>
    </message>
</context>
<context>
    <name>DatabaseSettings</name>
    <message>
        <source>%1 was not restored: %2</source>
        <translation>%1 n’a pas été restauré&#xa0;: %2</translation>
    </message>
    <message>
        <source>There is no database named “%1”.</source>
        <translation>Il n’existe pas de base de données nommée «&#xa0;%1&#xa0;».</translation>
    </message>
    <message>
        <source>The database settings were not restored: %1</source>
        <translation>Les paramètres de la base de données n’ont pas été restaurés&#xa0;: %1</translation>
    </message>
    <message>
        <source>Resetting the database&apos;s settings</source>
        <translation>La remise à zéro des paramètres de la base de données</translation>
    </message>
    <message>
        <source>Resetting the settings of role %1</source>
        <translation>La remise à zéro des paramètres du rôle %1</translation>
    </message>
    <message>
        <source>The setting %1</source>
        <translation>Le paramètre %1</translation>
    </message>
    <message>
        <source>The setting %1 of role %2</source>
        <translation>Le paramètre %1 du rôle %2</translation>
    </message>
    <message>
        <source>%1 was not restored: the role no longer exists.</source>
        <translation>%1 n’a pas été restauré&#xa0;: le rôle n’existe plus.</translation>
    </message>
    <message>
        <source>The connection limit</source>
        <translation>La limite de connexions</translation>
    </message>
    <message>
        <source>The comment</source>
        <translation>Le commentaire</translation>
    </message>
    <message>
        <source>The owner and privileges of the database were not restored: only its owner or a superuser may change them.</source>
        <translation>Le propriétaire et les droits de la base de données n’ont pas été restaurés&#xa0;: seuls son propriétaire ou un superutilisateur peuvent les modifier.</translation>
    </message>
    <message>
        <source>The owner %1 was not restored: the role no longer exists.</source>
        <translation>Le propriétaire %1 n’a pas été restauré&#xa0;: le rôle n’existe plus.</translation>
    </message>
    <message>
        <source>The owner</source>
        <translation>Le propriétaire</translation>
    </message>
    <message>
        <source>The privileges</source>
        <translation>Les droits</translation>
    </message>
    <message>
        <source>The privilege %1 of role %2 was not restored: the role no longer exists.</source>
        <translation>Le droit %1 du rôle %2 n’a pas été restauré&#xa0;: le rôle n’existe plus.</translation>
    </message>
    <message>
        <source>(none)</source>
        <translation>(aucun)</translation>
    </message>
    <message>
        <source>%1 (now: %2 → backup: %3)</source>
        <translation>%1 (actuellement&#xa0;: %2 → sauvegarde&#xa0;: %3)</translation>
    </message>
    <message>
        <source>%1 for role %2</source>
        <translation>%1 pour le rôle %2</translation>
    </message>
    <message>
        <source>no limit</source>
        <translation>sans limite</translation>
    </message>
    <message>
        <source>connection limit</source>
        <translation>limite de connexions</translation>
    </message>
    <message>
        <source>owner</source>
        <translation>propriétaire</translation>
    </message>
    <message>
        <source>privileges</source>
        <translation>droits</translation>
    </message>
    <message>
        <source>comment</source>
        <translation>commentaire</translation>
    </message>
    <message>
        <source>Database settings that will change: %1</source>
        <translation>Paramètres de la base de données qui vont changer&#xa0;: %1</translation>
    </message>
</context>
<context>
    <name>DatabaseUrl</name>
    <message>
        <source>“%1” is not a port number.</source>
        <translation>«&#xa0;%1&#xa0;» n’est pas un numéro de port.</translation>
    </message>
    <message>
        <source>A database URL starts with postgres:// or postgresql://.</source>
        <translation>Une URL de base de données commence par postgres:// ou postgresql://.</translation>
    </message>
    <message>
        <source>A URL with several hosts is not supported: keep one.</source>
        <translation>Une URL à plusieurs hôtes n’est pas prise en charge&#xa0;: gardez-en un.</translation>
    </message>
    <message>
        <source>The IPv6 address in brackets is not closed.</source>
        <translation>L’adresse IPv6 entre crochets n’est pas fermée.</translation>
    </message>
    <message>
        <source>Unexpected text after the IPv6 address: “%1”.</source>
        <translation>Texte inattendu après l’adresse IPv6&#xa0;: «&#xa0;%1&#xa0;».</translation>
    </message>
    <message>
        <source>“%1” is not an SSL mode PostgreSQL knows.</source>
        <translation>«&#xa0;%1&#xa0;» n’est pas un mode SSL connu de PostgreSQL.</translation>
    </message>
</context>
<context>
    <name>Decompressor</name>
    <message>
        <source>Cannot read “%1”.</source>
        <translation>Impossible de lire «&#xa0;%1&#xa0;».</translation>
    </message>
    <message>
        <source>Cannot write “%1”.</source>
        <translation>Impossible d’écrire «&#xa0;%1&#xa0;».</translation>
    </message>
    <message>
        <source>Cannot decompress “%1”.</source>
        <translation>Impossible de décompresser «&#xa0;%1&#xa0;».</translation>
    </message>
    <message>
        <source>“%1” is damaged: it does not decompress.</source>
        <translation>«&#xa0;%1&#xa0;» est endommagé&#xa0;: la décompression échoue.</translation>
    </message>
    <message>
        <source>Canceled.</source>
        <translation>Annulé.</translation>
    </message>
    <message>
        <source>Cannot write “%1” (is the disk full?).</source>
        <translation>Impossible d’écrire «&#xa0;%1&#xa0;» (le disque est-il plein&#xa0;?).</translation>
    </message>
</context>
<context>
    <name>DeleteCommand</name>
    <message>
        <source>Name the backups to delete.</source>
        <translation>Indiquez les sauvegardes à supprimer.</translation>
    </message>
    <message>
        <source>Without a terminal, give --yes to delete.</source>
        <translation>Sans terminal, indiquez --yes pour supprimer.</translation>
    </message>
    <message>
        <source>Delete %1 (%2)?</source>
        <translation>Supprimer %1 (%2)&#xa0;?</translation>
    </message>
    <message>
        <source>One of them is a safety copy made before a restore.</source>
        <translation>L’une d’elles est une copie de sécurité faite avant une restauration.</translation>
    </message>
    <message>
        <source> [y/N] </source>
        <translation> [o/N] </translation>
    </message>
    <message>
        <source>Nothing was deleted.</source>
        <translation>Rien n’a été supprimé.</translation>
    </message>
    <message>
        <source>Deleted %1 (%2).</source>
        <translation>%1 supprimée(s) (%2).</translation>
    </message>
    <message>
        <source>Delete backups (complete, incomplete or damaged); never another folder.</source>
        <translation>Supprimer des sauvegardes (complètes, incomplètes ou endommagées)&#xa0;; jamais un autre dossier.</translation>
    </message>
    <message>
        <source>Do not ask for confirmation.</source>
        <translation>Ne pas demander de confirmation.</translation>
    </message>
</context>
<context>
    <name>DeleteJob</name>
    <message>
        <source>“%1” is not a backup of this repository.</source>
        <translation>«&#xa0;%1&#xa0;» n’est pas une sauvegarde de ce dépôt.</translation>
    </message>
    <message>
        <source>“%1” is not a Coffre backup (it holds “%2”, which a backup never has): it is left alone.</source>
        <translation>«&#xa0;%1&#xa0;» n’est pas une sauvegarde Coffre (il contient «&#xa0;%2&#xa0;», ce qu’une sauvegarde ne contient jamais)&#xa0;: il n’est pas touché.</translation>
    </message>
    <message>
        <source>Deleting %1…</source>
        <translation>Suppression de %1…</translation>
    </message>
    <message>
        <source>Could not delete “%1”.</source>
        <translation>Impossible de supprimer «&#xa0;%1&#xa0;».</translation>
    </message>
    <message>
        <source>“%1” was removed from the list but some of its files could not be deleted (in %2).</source>
        <translation>«&#xa0;%1&#xa0;» a été retiré de la liste, mais certains de ses fichiers n’ont pas pu être supprimés (dans %2).</translation>
    </message>
</context>
<context>
    <name>DrillJob</name>
    <message>
        <source>Canceled.</source>
        <translation>Annulé.</translation>
    </message>
    <message numerus="yes">
        <source>Restorable: every checksum, %n table(s) with their row counts, %1 file(s).</source>
        <translation>
            <numerusform>Restaurable&#xa0;: toutes les sommes de contrôle, %n table avec son nombre de lignes, %1 fichier(s).</numerusform>
            <numerusform>Restaurable&#xa0;: toutes les sommes de contrôle, %n tables avec leur nombre de lignes, %1 fichier(s).</numerusform>
        </translation>
    </message>
    <message>
        <source>The drill of %1 failed: %2</source>
        <translation>L’exercice de restauration de %1 a échoué&#xa0;: %2</translation>
    </message>
    <message>
        <source>Reading the folders&apos; archives…</source>
        <translation>Lecture des archives des dossiers…</translation>
    </message>
    <message>
        <source>%1 holds %2 files where the manifest says %3.</source>
        <translation>%1 contient %2 fichiers alors que le manifeste en indique %3.</translation>
    </message>
</context>
<context>
    <name>DumpBlockReader</name>
    <message>
        <source>The database dump is damaged: an integer of a data block is out of range.</source>
        <translation>Le dump de la base est endommagé&#xa0;: un entier d’un bloc de données est hors limites.</translation>
    </message>
    <message>
        <source>The database dump is damaged: unknown data block type %1.</source>
        <translation>Le dump de la base est endommagé&#xa0;: type de bloc de données inconnu (%1).</translation>
    </message>
    <message>
        <source>The database dump is damaged: a data chunk has an impossible length.</source>
        <translation>Le dump de la base est endommagé&#xa0;: un morceau de données a une longueur impossible.</translation>
    </message>
    <message>
        <source>The database dump is damaged: a large object has an impossible OID.</source>
        <translation>Le dump de la base est endommagé&#xa0;: un grand objet a un OID impossible.</translation>
    </message>
    <message>
        <source>Canceled.</source>
        <translation>Annulé.</translation>
    </message>
    <message>
        <source>The database dump is damaged: a table&apos;s data does not have the shape it had a moment ago.</source>
        <translation>Le dump de la base est endommagé&#xa0;: les données d’une table n’ont plus la forme qu’elles avaient il y a un instant.</translation>
    </message>
</context>
<context>
    <name>DumpContents</name>
    <message>
        <source>The backup “%1” holds no database.</source>
        <translation>La sauvegarde «&#xa0;%1&#xa0;» ne contient pas de base de données.</translation>
    </message>
    <message>
        <source>Could not start pg_restore.</source>
        <translation>Impossible de lancer pg_restore.</translation>
    </message>
    <message>
        <source>pg_restore did not finish listing the dump of “%1”.</source>
        <translation>pg_restore n’a pas fini de lister le dump de «&#xa0;%1&#xa0;».</translation>
    </message>
    <message>
        <source>pg_restore could not read the dump of “%1” (exit status %2).</source>
        <translation>pg_restore n’a pas pu lire le dump de «&#xa0;%1&#xa0;» (code de sortie %2).</translation>
    </message>
    <message>
        <source>pg_restore could not read the dump of “%1”: %2</source>
        <translation>pg_restore n’a pas pu lire le dump de «&#xa0;%1&#xa0;»&#xa0;: %2</translation>
    </message>
</context>
<context>
    <name>DumpDataLoader</name>
    <message>
        <source>The database server refused a statement of the dump.</source>
        <translation>Le serveur de base de données a refusé une instruction du dump.</translation>
    </message>
    <message>
        <source>Loading the data of %1 failed.</source>
        <translation>Le chargement des données de %1 a échoué.</translation>
    </message>
    <message>
        <source>Canceled.</source>
        <translation>Annulé.</translation>
    </message>
    <message>
        <source>Restoring the large object %1 failed.</source>
        <translation>La restauration du grand objet %1 a échoué.</translation>
    </message>
</context>
<context>
    <name>DumpToc</name>
    <message>
        <source>not a pg_dump custom-format archive</source>
        <translation>ce n’est pas une archive pg_dump au format custom</translation>
    </message>
    <message>
        <source>archive version 1.%1 is not one this reads</source>
        <translation>la version d’archive 1.%1 n’est pas prise en charge</translation>
    </message>
    <message>
        <source>a field of the table of contents is out of range: the dump is damaged or forged</source>
        <translation>un champ de la table des matières est hors limites&#xa0;: le dump est endommagé ou falsifié</translation>
    </message>
</context>
<context>
    <name>ExportJob</name>
    <message>
        <source>Name the file with .zip or .tar at the end: “%1” says neither.</source>
        <translation>Terminez le nom du fichier par .zip ou .tar&#xa0;: «&#xa0;%1&#xa0;» ne dit ni l’un ni l’autre.</translation>
    </message>
    <message>
        <source>The folder “%1” does not exist or cannot be written to.</source>
        <translation>Le dossier «&#xa0;%1&#xa0;» n’existe pas ou n’est pas accessible en écriture.</translation>
    </message>
    <message>
        <source>“%1” already exists: it was left as it is.</source>
        <translation>«&#xa0;%1&#xa0;» existe déjà&#xa0;: il a été laissé tel quel.</translation>
    </message>
    <message>
        <source>The manifest of “%1” cannot be read.</source>
        <translation>Impossible de lire le manifeste de «&#xa0;%1&#xa0;».</translation>
    </message>
    <message>
        <source>Not enough free space in %1 for %2.</source>
        <translation>Pas assez d’espace libre dans %1 pour %2.</translation>
    </message>
    <message>
        <source>Cannot write “%1”.</source>
        <translation>Impossible d’écrire «&#xa0;%1&#xa0;».</translation>
    </message>
    <message>
        <source>Could not write “%1” (is the disk full?).</source>
        <translation>Impossible d’écrire «&#xa0;%1&#xa0;» (le disque est-il plein&#xa0;?).</translation>
    </message>
    <message>
        <source>Saving %1…</source>
        <translation>Enregistrement de %1…</translation>
    </message>
    <message>
        <source>Canceled: nothing was saved.</source>
        <translation>Annulé&#xa0;: rien n’a été enregistré.</translation>
    </message>
    <message>
        <source>The file “%1” is damaged: its checksum does not match the manifest. Nothing was saved.</source>
        <translation>Le fichier «&#xa0;%1&#xa0;» est endommagé&#xa0;: sa somme de contrôle ne correspond pas au manifeste. Rien n’a été enregistré.</translation>
    </message>
    <message>
        <source>%1: checksum OK</source>
        <translation>%1&#xa0;: somme de contrôle correcte</translation>
    </message>
    <message>
        <source>Writing to disk…</source>
        <translation>Écriture sur le disque…</translation>
    </message>
    <message>
        <source>Could not move “%1” to “%2”.</source>
        <translation>Impossible de déplacer «&#xa0;%1&#xa0;» vers «&#xa0;%2&#xa0;».</translation>
    </message>
    <message>
        <source>the output stream</source>
        <translation>le flux de sortie</translation>
    </message>
    <message>
        <source>to %1</source>
        <translation>vers %1</translation>
    </message>
</context>
<context>
    <name>HostKeys</name>
    <message>
        <source>Could not start %1: is the OpenSSH client installed?</source>
        <translation>Impossible de lancer %1&#xa0;: le client OpenSSH est-il installé&#xa0;?</translation>
    </message>
    <message>
        <source>%1 did not answer in time.</source>
        <translation>%1 n’a pas répondu à temps.</translation>
    </message>
    <message>
        <source>%1 failed.</source>
        <translation>%1 a échoué.</translation>
    </message>
    <message>
        <source>ssh-keygen did not recognise a host key.</source>
        <translation>ssh-keygen n’a reconnu aucune clé d’hôte.</translation>
    </message>
    <message>
        <source>%1 key fingerprint is %2.</source>
        <translation>L’empreinte de la clé %1 est %2.</translation>
    </message>
    <message>
        <source>The SSH settings of %1 could not be read.</source>
        <translation>Les réglages SSH de %1 n’ont pas pu être lus.</translation>
    </message>
    <message>
        <source>%1 did not show its host key: check the host name, the port and the network.</source>
        <translation>%1 n’a pas montré sa clé d’hôte&#xa0;: vérifiez le nom d’hôte, le port et le réseau.</translation>
    </message>
    <message>
        <source>“%1” is not a host key.</source>
        <translation>«&#xa0;%1&#xa0;» n’est pas une clé d’hôte.</translation>
    </message>
    <message>
        <source>The folder %1 could not be created.</source>
        <translation>Le dossier %1 n’a pas pu être créé.</translation>
    </message>
    <message>
        <source>The host key could not be saved in %1.</source>
        <translation>La clé d’hôte n’a pas pu être enregistrée dans %1.</translation>
    </message>
</context>
<context>
    <name>ImportJob</name>
    <message>
        <source>The file “%1” does not exist or cannot be read.</source>
        <translation>Le fichier «&#xa0;%1&#xa0;» n’existe pas ou ne peut pas être lu.</translation>
    </message>
    <message>
        <source>The repository folder “%1” does not exist.</source>
        <translation>Le dossier de dépôt «&#xa0;%1&#xa0;» n’existe pas.</translation>
    </message>
    <message>
        <source>Not enough free space in %1 for %2.</source>
        <translation>Pas assez d’espace libre dans %1 pour %2.</translation>
    </message>
    <message>
        <source>“%1” is not a Coffre backup that can be imported: %2 Nothing was added.</source>
        <translation>«&#xa0;%1&#xa0;» n’est pas une sauvegarde Coffre importable&#xa0;: %2 Rien n’a été ajouté.</translation>
    </message>
    <message>
        <source>Reading %1…</source>
        <translation>Lecture de %1…</translation>
    </message>
    <message>
        <source>Nothing was added.</source>
        <translation>Rien n’a été ajouté.</translation>
    </message>
    <message>
        <source>it holds links (“%1”), which a backup never has.</source>
        <translation>il contient des liens («&#xa0;%1&#xa0;»), ce qu’une sauvegarde n’a jamais.</translation>
    </message>
    <message numerus="yes">
        <source>it should hold one folder, named after the backup, and it holds %n entries.</source>
        <translation>
            <numerusform>il devrait contenir un seul dossier, au nom de la sauvegarde, et il contient %n entrée.</numerusform>
            <numerusform>il devrait contenir un seul dossier, au nom de la sauvegarde, et il contient %n entrées.</numerusform>
        </translation>
    </message>
    <message>
        <source>“%1” is not a valid backup name.</source>
        <translation>«&#xa0;%1&#xa0;» n’est pas un nom de sauvegarde valide.</translation>
    </message>
    <message>
        <source>it holds “%1”, which a backup never has.</source>
        <translation>il contient «&#xa0;%1&#xa0;», ce qu’une sauvegarde n’a jamais.</translation>
    </message>
    <message>
        <source>its folder “%1” and its manifest (“%2”) name different backups.</source>
        <translation>son dossier «&#xa0;%1&#xa0;» et son manifeste («&#xa0;%2&#xa0;») nomment des sauvegardes différentes.</translation>
    </message>
    <message>
        <source>A backup named “%1” is already in %2: nothing was added.</source>
        <translation>Une sauvegarde nommée «&#xa0;%1&#xa0;» existe déjà dans %2&#xa0;: rien n’a été ajouté.</translation>
    </message>
    <message>
        <source>Imported %1 from %2.</source>
        <translation>%1 importée depuis %2.</translation>
    </message>
    <message>
        <source>Checking the backup&apos;s files…</source>
        <translation>Vérification des fichiers de la sauvegarde…</translation>
    </message>
    <message>
        <source>The file “%1” is damaged: its size does not match the manifest. Nothing was added.</source>
        <translation>Le fichier «&#xa0;%1&#xa0;» est endommagé&#xa0;: sa taille ne correspond pas au manifeste. Rien n’a été ajouté.</translation>
    </message>
    <message>
        <source>The file “%1” is damaged: its checksum does not match the manifest. Nothing was added.</source>
        <translation>Le fichier «&#xa0;%1&#xa0;» est endommagé&#xa0;: sa somme de contrôle ne correspond pas au manifeste. Rien n’a été ajouté.</translation>
    </message>
    <message>
        <source>%1: checksum OK</source>
        <translation>%1&#xa0;: somme de contrôle correcte</translation>
    </message>
    <message>
        <source>the input stream</source>
        <translation>le flux d’entrée</translation>
    </message>
    <message>
        <source>from standard input</source>
        <translation>depuis l’entrée standard</translation>
    </message>
    <message>
        <source>from %1</source>
        <translation>depuis %1</translation>
    </message>
</context>
<context>
    <name>ListCommands</name>
    <message>
        <source>No backups in %1.</source>
        <translation>Aucune sauvegarde dans %1.</translation>
    </message>
    <message>
        <source>NAME</source>
        <translation>NOM</translation>
    </message>
    <message>
        <source>CREATED</source>
        <translation>CRÉÉE</translation>
    </message>
    <message>
        <source>SIZE</source>
        <translation>TAILLE</translation>
    </message>
    <message>
        <source>KIND</source>
        <translation>TYPE</translation>
    </message>
    <message>
        <source>STATUS</source>
        <translation>ÉTAT</translation>
    </message>
    <message>
        <source>CONTENTS</source>
        <translation>CONTENU</translation>
    </message>
    <message numerus="yes">
        <source>%n backup(s), %1 in %2; %3 free on that disk.</source>
        <translation>
            <numerusform>%n sauvegarde, %1 dans %2&#xa0;; %3 libres sur ce disque.</numerusform>
            <numerusform>%n sauvegardes, %1 dans %2&#xa0;; %3 libres sur ce disque.</numerusform>
        </translation>
    </message>
    <message>
        <source>PROFILE</source>
        <translation>PROFIL</translation>
    </message>
    <message>
        <source>DATABASE</source>
        <translation>BASE</translation>
    </message>
    <message>
        <source>SOURCES</source>
        <translation>SOURCES</translation>
    </message>
    <message>
        <source>REPOSITORY</source>
        <translation>DÉPÔT</translation>
    </message>
    <message>
        <source>No profiles yet in %1.</source>
        <translation>Aucun profil pour l’instant dans %1.</translation>
    </message>
    <message>
        <source>List the stored profiles.</source>
        <translation>Lister les profils enregistrés.</translation>
    </message>
    <message>
        <source>List the backups of a repository with their size, date and status.</source>
        <translation>Lister les sauvegardes d’un dépôt avec leur taille, leur date et leur état.</translation>
    </message>
    <message>
        <source>Name one backup.</source>
        <translation>Indiquez une sauvegarde.</translation>
    </message>
    <message>
        <source>There is no backup named “%1” in %2.</source>
        <translation>Il n’y a pas de sauvegarde nommée «&#xa0;%1&#xa0;» dans %2.</translation>
    </message>
    <message>
        <source>Everything a backup&apos;s manifest says: versions, tables, folders, checksums.</source>
        <translation>Tout ce que dit le manifeste d’une sauvegarde&#xa0;: versions, tables, dossiers, sommes de contrôle.</translation>
    </message>
    <message>
        <source>Name the profile to save.</source>
        <translation>Nommez le profil à enregistrer.</translation>
    </message>
    <message>
        <source>save-profile takes --repository, --db, --source and --exclude, not --profile.</source>
        <translation>save-profile prend --repository, --db, --source et --exclude, pas --profile.</translation>
    </message>
    <message>
        <source>A profile named “%1” exists already: give --force to replace it.</source>
        <translation>Un profil nommé «&#xa0;%1&#xa0;» existe déjà&#xa0;: ajoutez --force pour le remplacer.</translation>
    </message>
    <message>
        <source>Saved the profile “%1” in %2.</source>
        <translation>Profil «&#xa0;%1&#xa0;» enregistré dans %2.</translation>
    </message>
    <message>
        <source>scan answers in JSON only: give --json (list is for people).</source>
        <translation>scan ne répond qu’en JSON&#xa0;: ajoutez --json (list est fait pour les personnes).</translation>
    </message>
    <message>
        <source>Save --repository, --db, --source and --exclude as a profile (how a server gets one).</source>
        <translation>Enregistre --repository, --db, --source et --exclude comme profil (ainsi un serveur en reçoit un).</translation>
    </message>
    <message>
        <source>Replace a profile of that name.</source>
        <translation>Remplace un profil de ce nom.</translation>
    </message>
    <message>
        <source>The repository as a desktop lists it: every backup with its manifest (JSON only).</source>
        <translation>Le dépôt tel qu’un poste le liste&#xa0;: chaque sauvegarde avec son manifeste (JSON seulement).</translation>
    </message>
    <message>
        <source>%1, proven %2</source>
        <translation>%1, prouvée le %2</translation>
    </message>
    <message>
        <source>%1: warning: %2</source>
        <translation>%1&#xa0;: avertissement&#xa0;: %2</translation>
    </message>
    <message>
        <source>Warning: %1</source>
        <translation>Avertissement&#xa0;: %1</translation>
    </message>
    <message>
        <source>Off-site (--repository s3://…): answer from this computer&apos;s copy of the last listing, without asking the storage.</source>
        <translation>Hors site (--repository s3://…)&#xa0;: répondre d’après la copie de la dernière liste gardée sur cet ordinateur, sans interroger le stockage.</translation>
    </message>
</context>
<context>
    <name>LocalSite</name>
    <message>
        <source>this computer</source>
        <translation>cet ordinateur</translation>
    </message>
</context>
<context>
    <name>LogCommand</name>
    <message>
        <source>--since takes a date (2026-05-01, 2026-05-01T02:30), today, yesterday, or an age such as 7d, 12h, 2w.</source>
        <translation>--since attend une date (2026-05-01, 2026-05-01T02:30), today, yesterday, ou une ancienneté comme 7d, 12h, 2w.</translation>
    </message>
    <message>
        <source>The audit log of %1 is empty.</source>
        <translation>Le journal d’audit de %1 est vide.</translation>
    </message>
    <message>
        <source>No line of the audit log of %1 matches.</source>
        <translation>Aucune ligne du journal d’audit de %1 ne correspond.</translation>
    </message>
    <message>
        <source>TIME</source>
        <translation>DATE</translation>
    </message>
    <message>
        <source>ACTION</source>
        <translation>ACTION</translation>
    </message>
    <message>
        <source>OUTCOME</source>
        <translation>RÉSULTAT</translation>
    </message>
    <message>
        <source>BACKUP</source>
        <translation>SAUVEGARDE</translation>
    </message>
    <message>
        <source>SIZE</source>
        <translation>TAILLE</translation>
    </message>
    <message>
        <source>TOOK</source>
        <translation>DURÉE</translation>
    </message>
    <message>
        <source>BY</source>
        <translation>PAR</translation>
    </message>
    <message>
        <source>MESSAGE</source>
        <translation>MESSAGE</translation>
    </message>
    <message>
        <source>The audit log of the repository: every create, restore, undo, delete, prune, download, upload, export and import, by whom, how it ended.</source>
        <translation>Le journal d’audit du dépôt&#xa0;: chaque création, restauration, annulation, suppression, purge, téléchargement, envoi, export et import, par qui, et comment il s’est terminé.</translation>
    </message>
    <message>
        <source>Only from this date or age on: 2026-05-01, today, 7d, 12h.</source>
        <translation>Seulement à partir de cette date ou de cette ancienneté&#xa0;: 2026-05-01, today, 7d, 12h.</translation>
    </message>
    <message>
        <source>Only this action (create, restore, undo, delete, prune, download, upload, export, import); repeatable.</source>
        <translation>Seulement cette action (create, restore, undo, delete, prune, download, upload, export, import)&#xa0;; option répétable.</translation>
    </message>
    <message>
        <source>Only this outcome: ok, failed or canceled.</source>
        <translation>Seulement ce résultat&#xa0;: ok, failed ou canceled.</translation>
    </message>
</context>
<context>
    <name>Manifest</name>
    <message>
        <source>manual</source>
        <translation>manuelle</translation>
    </message>
    <message>
        <source>scheduled</source>
        <translation>planifiée</translation>
    </message>
    <message>
        <source>safety copy</source>
        <translation>copie de sécurité</translation>
    </message>
</context>
<context>
    <name>ManifestParser</name>
    <message>
        <source>is missing</source>
        <translation>est absent</translation>
    </message>
    <message>
        <source>must be a text</source>
        <translation>doit être un texte</translation>
    </message>
    <message>
        <source>must use only letters, digits, &apos;-&apos;, &apos;_&apos; and &apos;.&apos; (found “%1”)</source>
        <translation>ne doit contenir que des lettres, des chiffres, &apos;-&apos;, &apos;_&apos; et &apos;.&apos; (trouvé&#xa0;: «&#xa0;%1&#xa0;»)</translation>
    </message>
    <message>
        <source>is not a valid path inside a backup (found “%1”)</source>
        <translation>n’est pas un chemin valide dans une sauvegarde (trouvé&#xa0;: «&#xa0;%1&#xa0;»)</translation>
    </message>
    <message>
        <source>must be a whole number, zero or more</source>
        <translation>doit être un nombre entier positif ou nul</translation>
    </message>
    <message>
        <source>must be a date and time in ISO 8601 with a time zone</source>
        <translation>doit être une date et une heure au format ISO 8601 avec fuseau horaire</translation>
    </message>
    <message>
        <source>must be a list of texts</source>
        <translation>doit être une liste de textes</translation>
    </message>
    <message>
        <source>must be a list</source>
        <translation>doit être une liste</translation>
    </message>
    <message>
        <source>The manifest field “%1” must be an object.</source>
        <translation>Le champ «&#xa0;%1&#xa0;» du manifeste doit être un objet.</translation>
    </message>
    <message>
        <source>The manifest field “%1” %2.</source>
        <translation>Le champ «&#xa0;%1&#xa0;» du manifeste %2.</translation>
    </message>
    <message>
        <source>The manifest lists the file “%1” twice.</source>
        <translation>Le manifeste mentionne deux fois le fichier «&#xa0;%1&#xa0;».</translation>
    </message>
    <message>
        <source>The manifest gives no valid SHA-256 checksum for “%1”.</source>
        <translation>Le manifeste ne donne aucune somme de contrôle SHA-256 valide pour «&#xa0;%1&#xa0;».</translation>
    </message>
    <message>
        <source>The manifest names “%1” but does not list it in “files”.</source>
        <translation>Le manifeste cite «&#xa0;%1&#xa0;» mais ne le mentionne pas dans «&#xa0;files&#xa0;».</translation>
    </message>
    <message>
        <source>The manifest has two source roots labelled “%1”.</source>
        <translation>Le manifeste contient deux racines sources portant le libellé «&#xa0;%1&#xa0;».</translation>
    </message>
    <message>
        <source>The manifest is not valid JSON.</source>
        <translation>Le manifeste n’est pas du JSON valide.</translation>
    </message>
    <message>
        <source>The manifest is not a JSON object.</source>
        <translation>Le manifeste n’est pas un objet JSON.</translation>
    </message>
    <message>
        <source>The manifest has no format version; it was not written by Coffre.</source>
        <translation>Le manifeste n’indique aucune version de format&#xa0;; il n’a pas été écrit par Coffre.</translation>
    </message>
    <message>
        <source>must be “manual”, “scheduled” or “safety” (found “%1”)</source>
        <translation>doit valoir «&#xa0;manual&#xa0;», «&#xa0;scheduled&#xa0;» ou «&#xa0;safety&#xa0;» (trouvé&#xa0;: «&#xa0;%1&#xa0;»)</translation>
    </message>
    <message>
        <source>must be an object or null</source>
        <translation>doit être un objet ou null</translation>
    </message>
    <message>
        <source>The manifest cannot be read.</source>
        <translation>Le manifeste ne peut pas être lu.</translation>
    </message>
    <message>
        <source>The manifest is too large to be genuine (%1 bytes).</source>
        <translation>Le manifeste est trop volumineux pour être authentique (%1 octets).</translation>
    </message>
    <message>
        <source>must be “name=value”</source>
        <translation>doit être de la forme «&#xa0;nom=valeur&#xa0;»</translation>
    </message>
    <message>
        <source>must be a whole number, -1 or more</source>
        <translation>doit être un nombre entier, -1 ou plus</translation>
    </message>
    <message>
        <source>must be true or false</source>
        <translation>doit valoir true ou false</translation>
    </message>
    <message>
        <source>must be a key under the prefix “%1” (found “%2”)</source>
        <translation>doit être une clé sous le préfixe «&#xa0;%1&#xa0;» (trouvé&#xa0;: «&#xa0;%2&#xa0;»)</translation>
    </message>
    <message>
        <source>must be 64 lowercase hexadecimal digits</source>
        <translation>doit comporter 64 chiffres hexadécimaux en minuscules</translation>
    </message>
    <message>
        <source>must be “other-keys/&lt;number&gt;” (found “%1”)</source>
        <translation>doit être de la forme «&#xa0;other-keys/&lt;nombre&gt;&#xa0;» (trouvé&#xa0;: «&#xa0;%1&#xa0;»)</translation>
    </message>
    <message>
        <source>is missing: the key “%1” is not a plain path</source>
        <translation>est absent&#xa0;: la clé «&#xa0;%1&#xa0;» n’est pas un chemin simple</translation>
    </message>
    <message>
        <source>must have no leading, trailing or double slash (found “%1”)</source>
        <translation>ne doit comporter aucune barre oblique au début, à la fin ni en double (trouvé&#xa0;: «&#xa0;%1&#xa0;»)</translation>
    </message>
    <message>
        <source>must be in “objects/” (found “%1”)</source>
        <translation>doit se trouver dans «&#xa0;objects/&#xa0;» (trouvé&#xa0;: «&#xa0;%1&#xa0;»)</translation>
    </message>
    <message>
        <source>lists the key “%1” twice</source>
        <translation>mentionne deux fois la clé «&#xa0;%1&#xa0;»</translation>
    </message>
    <message>
        <source>names the archive entry “%1” twice</source>
        <translation>nomme deux fois l’entrée d’archive «&#xa0;%1&#xa0;»</translation>
    </message>
    <message>
        <source>must be the number of objects listed (%1)</source>
        <translation>doit être le nombre d’objets listés (%1)</translation>
    </message>
    <message>
        <source>must be the sum of the objects&apos; sizes (%1)</source>
        <translation>doit être la somme des tailles des objets (%1)</translation>
    </message>
    <message>
        <source>The manifest has two buckets labelled “%1”.</source>
        <translation>Le manifeste contient deux compartiments portant le libellé «&#xa0;%1&#xa0;».</translation>
    </message>
    <message>
        <source>must not be given with “packs”</source>
        <translation>ne doit pas être indiqué avec «&#xa0;packs&#xa0;»</translation>
    </message>
    <message>
        <source>This backup uses manifest format %1, which this version of Coffre cannot read (it reads formats %2 to %3). Use a newer Coffre.</source>
        <translation>Cette sauvegarde utilise le format de manifeste %1, que cette version de Coffre ne sait pas lire (elle lit les formats %2 à %3). Utilisez une version plus récente de Coffre.</translation>
    </message>
</context>
<context>
    <name>Notifier</name>
    <message>
        <source>backup failed</source>
        <translation>échec de la sauvegarde</translation>
    </message>
    <message>
        <source>backup canceled</source>
        <translation>sauvegarde annulée</translation>
    </message>
    <message>
        <source>backup made, with warnings</source>
        <translation>sauvegarde effectuée, avec des avertissements</translation>
    </message>
    <message>
        <source>backup made</source>
        <translation>sauvegarde effectuée</translation>
    </message>
    <message>
        <source>%1 on %2: %3.</source>
        <translation>%1 sur %2&#xa0;: %3.</translation>
    </message>
    <message>
        <source>%1 on %2: %3 (%4).</source>
        <translation>%1 sur %2&#xa0;: %3 (%4).</translation>
    </message>
    <message>
        <source>The webhook at %1 did not take the notification.</source>
        <translation>Le webhook de %1 n’a pas accepté la notification.</translation>
    </message>
    <message>
        <source>Time: %1
Profile: %2
Host: %3
</source>
        <translation>Date&#xa0;: %1
Profil&#xa0;: %2
Hôte&#xa0;: %3
</translation>
    </message>
    <message>
        <source>History: coffre-cli --profile %1 log --since 7d
</source>
        <translation>Historique&#xa0;: coffre-cli --profile %1 log --since 7d
</translation>
    </message>
    <message>
        <source>No sendmail here to mail %1: install a mail transfer agent (e.g. msmtp-mta or postfix).</source>
        <translation>Pas de sendmail ici pour écrire à %1&#xa0;: installez un agent de transfert de courrier (p. ex. msmtp-mta ou postfix).</translation>
    </message>
    <message>
        <source>%1 could not be started.</source>
        <translation>%1 n’a pas pu être lancé.</translation>
    </message>
    <message>
        <source>%1 did not finish within a minute.</source>
        <translation>%1 ne s’est pas terminé en moins d’une minute.</translation>
    </message>
    <message>
        <source>%1 could not send the mail to %2.</source>
        <translation>%1 n’a pas pu envoyer le courriel à %2.</translation>
    </message>
    <message>
        <source>restore drill failed</source>
        <translation>exercice de restauration échoué</translation>
    </message>
    <message>
        <source>restore drill canceled</source>
        <translation>exercice de restauration annulé</translation>
    </message>
    <message>
        <source>proven restorable</source>
        <translation>restauration prouvée</translation>
    </message>
</context>
<context>
    <name>NotifyCommand</name>
    <message>
        <source>Who hears about scheduled backups (a webhook, mail) and when a backup warns: set, show, test, remove.</source>
        <translation>Qui est prévenu des sauvegardes planifiées (un webhook, un courriel) et des avertissements d’une sauvegarde&#xa0;: set, show, test, remove.</translation>
    </message>
    <message>
        <source>set: POST a JSON notification to this https:// address.</source>
        <translation>set&#xa0;: envoyer (POST) une notification JSON à cette adresse https://.</translation>
    </message>
    <message>
        <source>set: mail these addresses (comma-separated) through the local sendmail.</source>
        <translation>set&#xa0;: écrire à ces adresses (séparées par des virgules) par le sendmail local.</translation>
    </message>
    <message>
        <source>set: notify after every scheduled backup, not only failures and warnings.</source>
        <translation>set&#xa0;: notifier après chaque sauvegarde planifiée, pas seulement les échecs et les avertissements.</translation>
    </message>
    <message>
        <source>set: notify only failures and warnings (the default).</source>
        <translation>set&#xa0;: ne notifier que les échecs et les avertissements (par défaut).</translation>
    </message>
    <message>
        <source>set: warn when the backups&apos; disk is this full (default 80; 0: never).</source>
        <translation>set&#xa0;: avertir quand le disque des sauvegardes est plein à ce pourcentage (80 par défaut&#xa0;; 0&#xa0;: jamais).</translation>
    </message>
    <message>
        <source>set: warn when the dump or a folder shrank by more than this share since the backup before (default 50; 0: never).</source>
        <translation>set&#xa0;: avertir quand le dump ou un dossier a diminué de plus de ce pourcentage depuis la sauvegarde précédente (50 par défaut&#xa0;; 0&#xa0;: jamais).</translation>
    </message>
    <message>
        <source>%1: %2. Warnings when the disk is %3 % full, or a part shrank by %4 %.</source>
        <translation>%1&#xa0;: %2. Avertissements quand le disque est plein à %3&#xa0;%, ou quand un élément a diminué de %4&#xa0;%.</translation>
    </message>
    <message>
        <source>--on-success and --failures-only contradict each other.</source>
        <translation>--on-success et --failures-only se contredisent.</translation>
    </message>
    <message>
        <source>--%1 takes a number from 0 to 100.</source>
        <translation>--%1 attend un nombre de 0 à 100.</translation>
    </message>
    <message>
        <source>%1 has no webhook or mail to test: notify set --webhook URL or --mail ADDRESS.</source>
        <translation>%1 n’a ni webhook ni courriel à tester&#xa0;: notify set --webhook URL ou --mail ADDRESS.</translation>
    </message>
    <message>
        <source>A test from coffre-cli notify test: notifications of this profile reach you.</source>
        <translation>Un test envoyé par coffre-cli notify test&#xa0;: les notifications de ce profil vous parviennent.</translation>
    </message>
    <message>
        <source>Sent a test notification (%1).</source>
        <translation>Notification de test envoyée (%1).</translation>
    </message>
    <message>
        <source>notify takes set, show, test or remove.</source>
        <translation>notify attend set, show, test ou remove.</translation>
    </message>
    <message>
        <source>Notifications belong to a stored profile: give --profile NAME.</source>
        <translation>Les notifications appartiennent à un profil enregistré&#xa0;: indiquez --profile NAME.</translation>
    </message>
    <message>
        <source>No more notifications for %1.</source>
        <translation>Plus aucune notification pour %1.</translation>
    </message>
</context>
<context>
    <name>NotifySettings</name>
    <message>
        <source>webhook %1</source>
        <translation>webhook %1</translation>
    </message>
    <message>
        <source>mail to %1</source>
        <translation>courriel à %1</translation>
    </message>
    <message>
        <source>no webhook or mail</source>
        <translation>ni webhook ni courriel</translation>
    </message>
    <message>
        <source>every backup</source>
        <translation>chaque sauvegarde</translation>
    </message>
    <message>
        <source>failures and warnings only</source>
        <translation>échecs et avertissements seulement</translation>
    </message>
    <message>
        <source>“%1” is not a web address for the webhook: give https://…</source>
        <translation>«&#xa0;%1&#xa0;» n’est pas une adresse web pour le webhook&#xa0;: indiquez https://…</translation>
    </message>
    <message>
        <source>“%1” is not a mail address.</source>
        <translation>«&#xa0;%1&#xa0;» n’est pas une adresse de courriel.</translation>
    </message>
    <message>
        <source>The thresholds are percentages, from 0 (never) to 100.</source>
        <translation>Les seuils sont des pourcentages, de 0 (jamais) à 100.</translation>
    </message>
</context>
<context>
    <name>OffsiteCommands</name>
    <message>
        <source>No backups in %1.</source>
        <translation>Aucune sauvegarde dans %1.</translation>
    </message>
    <message>
        <source>NAME</source>
        <translation>NOM</translation>
    </message>
    <message>
        <source>CREATED</source>
        <translation>CRÉÉE</translation>
    </message>
    <message>
        <source>SIZE</source>
        <translation>TAILLE</translation>
    </message>
    <message>
        <source>STATUS</source>
        <translation>ÉTAT</translation>
    </message>
    <message>
        <source>CONTENTS</source>
        <translation>CONTENU</translation>
    </message>
    <message numerus="yes">
        <source>%n backup(s), %1 in %2.</source>
        <translation>
            <numerusform>%n sauvegarde, %1 dans %2.</numerusform>
            <numerusform>%n sauvegardes, %1 dans %2.</numerusform>
        </translation>
    </message>
    <message>
        <source>%1 in %2: every file matches its checksum.</source>
        <translation>%1 dans %2&#xa0;: chaque fichier correspond à sa somme de contrôle.</translation>
    </message>
    <message>
        <source>Name the backups to delete.</source>
        <translation>Indiquez les sauvegardes à supprimer.</translation>
    </message>
    <message>
        <source>Deleting off-site copies asks for --yes.</source>
        <translation>La suppression de copies hors site demande --yes.</translation>
    </message>
    <message>
        <source>Deleted from %1: %2</source>
        <translation>Supprimé de %1&#xa0;: %2</translation>
    </message>
    <message>
        <source>Downloaded %1 (%2) from %3 into %4; every checksum was verified.</source>
        <translation>%1 (%2) téléchargée de %3 dans %4&#xa0;; toutes les sommes de contrôle ont été vérifiées.</translation>
    </message>
    <message>
        <source>Copied %1 (%2) to %3; every checksum matched.</source>
        <translation>%1 (%2) copiée vers %3&#xa0;; chaque somme de contrôle concorde.</translation>
    </message>
    <message>
        <source>Fetched %1 from %2 into %3; every checksum was verified.</source>
        <translation>%1 récupérée de %2 dans %3&#xa0;; chaque somme de contrôle a été vérifiée.</translation>
    </message>
    <message>
        <source>Name one backup.</source>
        <translation>Indiquez une sauvegarde.</translation>
    </message>
    <message>
        <source>%1 works on a repository of this computer. Off-site (%2), use list, info, verify, delete, download, upload, restore, create or prune; download a backup first for the rest.</source>
        <translation>%1 agit sur un dépôt de cet ordinateur. Hors site (%2), utilisez list, info, verify, delete, download, upload, restore, create ou prune&#xa0;; pour le reste, téléchargez d’abord la sauvegarde.</translation>
    </message>
</context>
<context>
    <name>OffsiteCopy</name>
    <message>
        <source> It is kept in %1.</source>
        <translation> Elle est conservée dans %1.</translation>
    </message>
    <message>
        <source>Backup %1 is complete here, but its off-site copy to %2 failed: %3</source>
        <translation>La sauvegarde %1 est complète ici, mais sa copie hors site vers %2 a échoué&#xa0;: %3</translation>
    </message>
    <message>
        <source>Copied %1 off-site to %2; every checksum matched.</source>
        <translation>%1 copiée hors site vers %2&#xa0;; chaque somme de contrôle concorde.</translation>
    </message>
</context>
<context>
    <name>OffsiteStore</name>
    <message>
        <source>%1 is missing off-site or has another size.</source>
        <translation>%1 est absent hors site ou n’a pas la bonne taille.</translation>
    </message>
    <message>
        <source>“%1” is not a backup name.</source>
        <translation>«&#xa0;%1&#xa0;» n’est pas un nom de sauvegarde.</translation>
    </message>
    <message>
        <source>There is no backup named “%1” in %2.</source>
        <translation>Il n’y a pas de sauvegarde nommée «&#xa0;%1&#xa0;» dans %2.</translation>
    </message>
    <message>
        <source>The off-site copy of %1 is damaged: %2</source>
        <translation>La copie hors site de %1 est endommagée&#xa0;: %2</translation>
    </message>
    <message>
        <source>The off-site copy of %1 is damaged: its manifest names “%2”.</source>
        <translation>La copie hors site de %1 est endommagée&#xa0;: son manifeste désigne «&#xa0;%2&#xa0;».</translation>
    </message>
    <message>
        <source>to %1</source>
        <translation>vers %1</translation>
    </message>
    <message>
        <source>from %1</source>
        <translation>depuis %1</translation>
    </message>
    <message>
        <source>%1 is already off-site in %2.</source>
        <translation>%1 est déjà hors site dans %2.</translation>
    </message>
    <message>
        <source>Copying off-site…</source>
        <translation>Copie hors site…</translation>
    </message>
    <message>
        <source>The local copy of %1 is damaged: %2 does not match its checksum. Nothing was kept off-site.</source>
        <translation>La copie locale de %1 est endommagée&#xa0;: %2 ne correspond pas à sa somme de contrôle. Rien n’a été conservé hors site.</translation>
    </message>
    <message>
        <source>Sent %1 (%2 bytes).</source>
        <translation>%1 envoyé (%2 octets).</translation>
    </message>
    <message>
        <source>Cannot read %1.</source>
        <translation>Impossible de lire %1.</translation>
    </message>
    <message>
        <source>Cannot write %1.</source>
        <translation>Impossible d’écrire %1.</translation>
    </message>
    <message>
        <source>The off-site copy of %1 is damaged: %2 is longer than its manifest says.</source>
        <translation>La copie hors site de %1 est endommagée&#xa0;: %2 est plus long que ne l’indique son manifeste.</translation>
    </message>
    <message>
        <source>The off-site copy of %1 is damaged: %2 does not match its checksum.</source>
        <translation>La copie hors site de %1 est endommagée&#xa0;: %2 ne correspond pas à sa somme de contrôle.</translation>
    </message>
    <message>
        <source>%1 is already in %2.</source>
        <translation>%1 est déjà dans %2.</translation>
    </message>
    <message>
        <source>Cannot create the folder %1.</source>
        <translation>Impossible de créer le dossier %1.</translation>
    </message>
    <message>
        <source>Fetching from off-site…</source>
        <translation>Récupération depuis le stockage hors site…</translation>
    </message>
    <message>
        <source>Checking the off-site copy…</source>
        <translation>Vérification de la copie hors site…</translation>
    </message>
</context>
<context>
    <name>PackSeal</name>
    <message>
        <source>The key %1 is damaged: remove it (the next backups write their folders in full once).</source>
        <translation>La clé %1 est endommagée&#xa0;: supprimez-la (les prochaines sauvegardes réécriront une fois leurs dossiers en entier).</translation>
    </message>
    <message>
        <source>No random bytes for a new key.</source>
        <translation>Aucun octet aléatoire pour une nouvelle clé.</translation>
    </message>
    <message>
        <source>The folder %1 cannot be created.</source>
        <translation>Le dossier %1 ne peut pas être créé.</translation>
    </message>
</context>
<context>
    <name>PassFile</name>
    <message>
        <source>Could not create a private temporary folder.</source>
        <translation>Impossible de créer un dossier temporaire privé.</translation>
    </message>
</context>
<context>
    <name>PasswordVault</name>
    <message>
        <source>No password is stored in the keychain for this profile.</source>
        <translation>Aucun mot de passe n’est enregistré dans le trousseau pour ce profil.</translation>
    </message>
    <message>
        <source>The system keychain is not available; the password is kept for this session only.</source>
        <translation>Le trousseau du système n’est pas disponible&#xa0;; le mot de passe est conservé pour cette session uniquement.</translation>
    </message>
    <message>
        <source>The system keychain failed.</source>
        <translation>Le trousseau du système a renvoyé une erreur.</translation>
    </message>
</context>
<context>
    <name>PgConnection</name>
    <message>
        <source>Out of memory while connecting to the database.</source>
        <translation>Mémoire insuffisante lors de la connexion à la base de données.</translation>
    </message>
    <message>
        <source>The database refused a request.</source>
        <translation>La base de données a refusé une requête.</translation>
    </message>
    <message>
        <source>Wrong password for user “%1” on %2.</source>
        <translation>Mot de passe incorrect pour l’utilisateur «&#xa0;%1&#xa0;» sur %2.</translation>
    </message>
    <message>
        <source>The server asks for a password for user “%1” and none was given: type it in, keep it in the keychain, or add it to ~/.pgpass.</source>
        <translation>Le serveur demande un mot de passe pour l’utilisateur «&#xa0;%1&#xa0;» et aucun n’a été fourni&#xa0;: saisissez-le, enregistrez-le dans le trousseau ou ajoutez-le à ~/.pgpass.</translation>
    </message>
    <message>
        <source>The database does not exist on %1.</source>
        <translation>La base de données n’existe pas sur %1.</translation>
    </message>
    <message>
        <source>The user “%1” does not exist on the server.</source>
        <translation>L’utilisateur «&#xa0;%1&#xa0;» n’existe pas sur le serveur.</translation>
    </message>
    <message>
        <source>The server does not accept this user and database from this machine (pg_hba.conf).</source>
        <translation>Le serveur n’accepte pas cet utilisateur et cette base de données depuis cette machine (pg_hba.conf).</translation>
    </message>
    <message>
        <source>The server name “%1” is unknown: check the host.</source>
        <translation>Le nom de serveur «&#xa0;%1&#xa0;» est inconnu&#xa0;: vérifiez l’hôte.</translation>
    </message>
    <message>
        <source>The server at %1 did not answer within %2 seconds.</source>
        <translation>Le serveur à l’adresse %1 n’a pas répondu dans un délai de %2 secondes.</translation>
    </message>
    <message>
        <source>No PostgreSQL server answers at %1: is it running, and are the host and port right?</source>
        <translation>Aucun serveur PostgreSQL ne répond à l’adresse %1&#xa0;: est-il démarré, et l’hôte et le port sont-ils corrects&#xa0;?</translation>
    </message>
    <message>
        <source>The service “%1” is not defined in pg_service.conf.</source>
        <translation>Le service «&#xa0;%1&#xa0;» n’est pas défini dans pg_service.conf.</translation>
    </message>
    <message>
        <source>The secure (SSL) connection to %1 failed.</source>
        <translation>La connexion sécurisée (SSL) à %1 a échoué.</translation>
    </message>
    <message>
        <source>The connection settings are not valid.</source>
        <translation>Les paramètres de connexion ne sont pas valides.</translation>
    </message>
    <message>
        <source>Could not connect to the database at %1.</source>
        <translation>Impossible de se connecter à la base de données à l’adresse %1.</translation>
    </message>
</context>
<context>
    <name>PgTools</name>
    <message>
        <source>“%1” does not run.</source>
        <translation>«&#xa0;%1&#xa0;» ne peut pas être exécuté.</translation>
    </message>
    <message>
        <source>“%1” does not say which PostgreSQL version it belongs to.</source>
        <translation>«&#xa0;%1&#xa0;» n’indique pas à quelle version de PostgreSQL il appartient.</translation>
    </message>
    <message>
        <source>No %1 for PostgreSQL %2 or newer is installed. Install the package postgresql-client-%2.</source>
        <translation>Aucun %1 pour PostgreSQL %2 ou plus récent n’est installé. Installez le paquet postgresql-client-%2.</translation>
    </message>
</context>
<context>
    <name>Pins</name>
    <message>
        <source>“%1” is not a backup name.</source>
        <translation>«&#xa0;%1&#xa0;» n’est pas un nom de sauvegarde.</translation>
    </message>
</context>
<context>
    <name>PrismaMigrations</name>
    <message numerus="yes">
        <source>%n migration(s) of the code not applied in the database: %1</source>
        <translation>
            <numerusform>%n migration du code non appliquée dans la base de données&#xa0;: %1</numerusform>
            <numerusform>%n migrations du code non appliquées dans la base de données&#xa0;: %1</numerusform>
        </translation>
    </message>
    <message numerus="yes">
        <source>%n migration(s) applied in the database not in the code: %1</source>
        <translation>
            <numerusform>%n migration appliquée dans la base de données absente du code&#xa0;: %1</numerusform>
            <numerusform>%n migrations appliquées dans la base de données absentes du code&#xa0;: %1</numerusform>
        </translation>
    </message>
</context>
<context>
    <name>ProfileQuestions</name>
    <message>
        <source>Delete the profile “%1”?</source>
        <translation>Supprimer le profil «&#xa0;%1&#xa0;»&#xa0;?</translation>
    </message>
    <message>
        <source>Its backups are not deleted.</source>
        <translation>Ses sauvegardes ne sont pas supprimées.</translation>
    </message>
    <message>
        <source>Its backups are not deleted: they stay in %1.</source>
        <translation>Ses sauvegardes ne sont pas supprimées&#xa0;: elles restent dans %1.</translation>
    </message>
    <message>
        <source>A database password kept in the system keychain for it is removed.</source>
        <translation>Le mot de passe de base de données gardé pour lui dans le trousseau du système est supprimé.</translation>
    </message>
    <message>
        <source>Delete profile</source>
        <translation>Supprimer le profil</translation>
    </message>
    <message>
        <source>&amp;Delete profile</source>
        <translation>&amp;Supprimer le profil</translation>
    </message>
    <message>
        <source>Backup folder</source>
        <translation>Dossier des sauvegardes</translation>
    </message>
    <message>
        <source>The backup folder %1 does not exist. Create it now (readable by you only)?</source>
        <translation>Le dossier des sauvegardes %1 n’existe pas. Le créer maintenant (lisible par vous seul)&#xa0;?</translation>
    </message>
    <message>
        <source>The folder %1 could not be created.</source>
        <translation>Le dossier %1 n’a pas pu être créé.</translation>
    </message>
</context>
<context>
    <name>ProfileStore</name>
    <message>
        <source>“%1” is not a valid profile name.</source>
        <translation>«&#xa0;%1&#xa0;» n’est pas un nom de profil valide.</translation>
    </message>
    <message>
        <source>There is no profile named “%1”.</source>
        <translation>Il n’existe aucun profil nommé «&#xa0;%1&#xa0;».</translation>
    </message>
    <message>
        <source>The profile “%1” cannot be read.</source>
        <translation>Le profil «&#xa0;%1&#xa0;» ne peut pas être lu.</translation>
    </message>
    <message>
        <source>The profile file of “%1” is not valid JSON.</source>
        <translation>Le fichier du profil «&#xa0;%1&#xa0;» n’est pas du JSON valide.</translation>
    </message>
    <message>
        <source>The profile file “%1” names another profile (“%2”).</source>
        <translation>Le fichier de profil «&#xa0;%1&#xa0;» désigne un autre profil («&#xa0;%2&#xa0;»).</translation>
    </message>
    <message>
        <source>Cannot create the settings folder “%1”.</source>
        <translation>Impossible de créer le dossier des paramètres «&#xa0;%1&#xa0;».</translation>
    </message>
    <message>
        <source>The profile “%1” could not be removed.</source>
        <translation>Le profil «&#xa0;%1&#xa0;» n’a pas pu être supprimé.</translation>
    </message>
    <message>
        <source>A profile name uses only letters, digits, &apos;-&apos;, &apos;_&apos; and &apos;.&apos;, and does not start with &apos;.&apos;.</source>
        <translation>Un nom de profil ne contient que des lettres, des chiffres, &apos;-&apos;, &apos;_&apos; et &apos;.&apos;, et ne commence pas par &apos;.&apos;.</translation>
    </message>
    <message>
        <source>Choose the folder where backups are kept.</source>
        <translation>Choisissez le dossier où les sauvegardes sont conservées.</translation>
    </message>
    <message>
        <source>The backup folder must be an absolute path.</source>
        <translation>Le dossier des sauvegardes doit être un chemin absolu.</translation>
    </message>
    <message>
        <source>The profile backs up nothing: give a database or at least one source folder.</source>
        <translation>Le profil ne sauvegarde rien&#xa0;: indiquez une base de données ou au moins un dossier source.</translation>
    </message>
    <message>
        <source>The source label “%1” may use only letters, digits, &apos;-&apos;, &apos;_&apos; and &apos;.&apos;.</source>
        <translation>Le libellé de source «&#xa0;%1&#xa0;» ne peut contenir que des lettres, des chiffres, &apos;-&apos;, &apos;_&apos; et &apos;.&apos;.</translation>
    </message>
    <message>
        <source>Two source folders are labelled “%1”.</source>
        <translation>Deux dossiers sources portent le libellé «&#xa0;%1&#xa0;».</translation>
    </message>
    <message>
        <source>The source folder “%1” must be an absolute path.</source>
        <translation>Le dossier source «&#xa0;%1&#xa0;» doit être un chemin absolu.</translation>
    </message>
    <message>
        <source>The backup folder “%1” is inside the source folder “%2”: each backup would hold the ones before it. Choose a backup folder outside it.</source>
        <translation>Le dossier de sauvegarde «&#xa0;%1&#xa0;» est dans le dossier source «&#xa0;%2&#xa0;»&#xa0;: chaque sauvegarde contiendrait les précédentes. Choisissez un dossier de sauvegarde en dehors.</translation>
    </message>
    <message>
        <source>“%1” is not an SSH destination: give user@host or a Host of ~/.ssh/config.</source>
        <translation>«&#xa0;%1&#xa0;» n’est pas une destination SSH&#xa0;: donnez utilisateur@hôte ou un Host de ~/.ssh/config.</translation>
    </message>
    <message>
        <source>The SSH port must be between 1 and 65535.</source>
        <translation>Le port SSH doit être compris entre 1 et 65535.</translation>
    </message>
    <message>
        <source>Give the path of coffre-cli on the server (coffre-cli when it is on the PATH).</source>
        <translation>Donnez le chemin de coffre-cli sur le serveur (coffre-cli s’il est dans le PATH).</translation>
    </message>
    <message>
        <source>“%1” is not a profile name.</source>
        <translation>«&#xa0;%1&#xa0;» n’est pas un nom de profil.</translation>
    </message>
    <message>
        <source>The profile “%1” names a server without its address.</source>
        <translation>Le profil «&#xa0;%1&#xa0;» désigne un serveur sans son adresse.</translation>
    </message>
    <message>
        <source>The backup folder is a folder of this computer; object storage (%1) goes in the off-site settings.</source>
        <translation>Le dossier des sauvegardes est un dossier de cet ordinateur&#xa0;; un stockage objet (%1) se règle dans les réglages hors site.</translation>
    </message>
    <message>
        <source>The profile “%1”: %2</source>
        <translation>Le profil «&#xa0;%1&#xa0;»&#xa0;: %2</translation>
    </message>
</context>
<context>
    <name>ProgressMeter</name>
    <message>
        <source>%1 of %2</source>
        <translation>%1 sur %2</translation>
    </message>
    <message>
        <source>%1/s</source>
        <translation>%1/s</translation>
    </message>
    <message>
        <source>about %1 s left</source>
        <translation>environ %1&#xa0;s restantes</translation>
    </message>
    <message>
        <source>about %1 min left</source>
        <translation>environ %1&#xa0;min restantes</translation>
    </message>
    <message>
        <source>about %1 h left</source>
        <translation>environ %1&#xa0;h restantes</translation>
    </message>
    <message>
        <source>%1 so far</source>
        <translation>%1 jusqu’ici</translation>
    </message>
    <message numerus="yes">
        <source>%n file(s) found</source>
        <translation>
            <numerusform>%n fichier trouvé</numerusform>
            <numerusform>%n fichiers trouvés</numerusform>
        </translation>
    </message>
</context>
<context>
    <name>PruneJob</name>
    <message numerus="yes">
        <source>Retention (%1): %n backup(s) to remove.</source>
        <translation>
            <numerusform>Rétention (%1)&#xa0;: %n sauvegarde à supprimer.</numerusform>
            <numerusform>Rétention (%1)&#xa0;: %n sauvegardes à supprimer.</numerusform>
        </translation>
    </message>
    <message>
        <source>Removing old backups…</source>
        <translation>Suppression des anciennes sauvegardes…</translation>
    </message>
    <message>
        <source>Removing old off-site copies…</source>
        <translation>Suppression des anciennes copies hors site…</translation>
    </message>
    <message>
        <source>Canceled.</source>
        <translation>Annulé.</translation>
    </message>
    <message>
        <source>off-site copy in %1</source>
        <translation>copie hors site dans %1</translation>
    </message>
    <message>
        <source>Removed %1 from %2.</source>
        <translation>%1 supprimée de %2.</translation>
    </message>
</context>
<context>
    <name>RemoteCli</name>
    <message>
        <source>Could not start ssh: is the OpenSSH client installed?</source>
        <translation>Impossible de lancer ssh&#xa0;: le client OpenSSH est-il installé&#xa0;?</translation>
    </message>
    <message>
        <source>The server %1 answered something Coffre does not understand.</source>
        <translation>Le serveur %1 a répondu quelque chose que Coffre ne comprend pas.</translation>
    </message>
    <message>
        <source>coffre-cli is not installed on %1 (or not as “%2”). Install the coffre-cli package there, or give its path in the server settings.</source>
        <translation>coffre-cli n’est pas installé sur %1 (ou pas sous «&#xa0;%2&#xa0;»). Installez-y le paquet coffre-cli, ou donnez son chemin dans les réglages du serveur.</translation>
    </message>
    <message>
        <source>The host key of %1 has CHANGED since the last connection. This may be an attack, or a reinstalled server: check with its administrator. Coffre refuses to connect; once verified, remove the old key with: ssh-keygen -R %2</source>
        <translation>La clé d’hôte de %1 a CHANGÉ depuis la dernière connexion. C’est peut-être une attaque, ou un serveur réinstallé&#xa0;: vérifiez auprès de son administrateur. Coffre refuse de se connecter&#xa0;; une fois vérifié, retirez l’ancienne clé avec&#xa0;: ssh-keygen -R %2</translation>
    </message>
    <message>
        <source>The host key of %1 is not known yet: verify its fingerprint before connecting (in the window: Profile › Edit profile… › Test connection; in a terminal: ssh %2 once).</source>
        <translation>La clé d’hôte de %1 n’est pas encore connue&#xa0;: vérifiez son empreinte avant de vous connecter (dans la fenêtre&#xa0;: Profil › Modifier le profil… › Tester la connexion&#xa0;; dans un terminal&#xa0;: ssh %2 une fois).</translation>
    </message>
    <message>
        <source>%1 refused the connection: the SSH key was not accepted. Check the user name and that your public key is in the server&apos;s ~/.ssh/authorized_keys.</source>
        <translation>%1 a refusé la connexion&#xa0;: la clé SSH n’a pas été acceptée. Vérifiez le nom d’utilisateur et que votre clé publique figure dans ~/.ssh/authorized_keys sur le serveur.</translation>
    </message>
    <message>
        <source>Cannot reach %1 over SSH: check the host name, the port and the network.</source>
        <translation>Impossible de joindre %1 par SSH&#xa0;: vérifiez le nom d’hôte, le port et le réseau.</translation>
    </message>
    <message>
        <source>Canceled.</source>
        <translation>Annulé.</translation>
    </message>
    <message>
        <source>The command failed on %1 (exit status %2).</source>
        <translation>La commande a échoué sur %1 (code de sortie %2).</translation>
    </message>
    <message>
        <source>The coffre-cli on %1 is too old to be driven from this desktop (it needs protocol %2). Update the coffre-cli package on the server.</source>
        <translation>Le coffre-cli de %1 est trop ancien pour être piloté depuis ce poste (il faut le protocole %2). Mettez à jour le paquet coffre-cli sur le serveur.</translation>
    </message>
    <message>
        <source>The coffre-cli on %1 (version %2, protocol %3) does not speak this desktop&apos;s protocol (%4 to %5). Install the same Coffre version on both.</source>
        <translation>Le coffre-cli de %1 (version %2, protocole %3) ne parle pas le protocole de ce poste (%4 à %5). Installez la même version de Coffre des deux côtés.</translation>
    </message>
</context>
<context>
    <name>RemoteTransfer</name>
    <message>
        <source>Cannot open a pipe for the download.</source>
        <translation>Impossible d’ouvrir un tube pour le téléchargement.</translation>
    </message>
    <message>
        <source>The download was canceled: nothing was added.</source>
        <translation>Le téléchargement a été annulé&#xa0;: rien n’a été ajouté.</translation>
    </message>
    <message>
        <source>Cannot open a pipe for the upload.</source>
        <translation>Impossible d’ouvrir un tube pour l’envoi.</translation>
    </message>
    <message>
        <source>The upload was canceled: nothing was added on %1.</source>
        <translation>L’envoi a été annulé&#xa0;: rien n’a été ajouté sur %1.</translation>
    </message>
    <message>
        <source>from %1</source>
        <translation>depuis %1</translation>
    </message>
    <message>
        <source>to %1</source>
        <translation>vers %1</translation>
    </message>
</context>
<context>
    <name>RemoveTree</name>
    <message>
        <source>“%1” is a mounted file system: it was not deleted.</source>
        <translation>«&#xa0;%1&#xa0;» est un système de fichiers monté&#xa0;: il n’a pas été supprimé.</translation>
    </message>
    <message>
        <source>Could not delete “%1”.</source>
        <translation>Impossible de supprimer «&#xa0;%1&#xa0;».</translation>
    </message>
    <message>
        <source>“%1” is a mounted file system: nothing in it was deleted, and “%2”, which holds it, stays.</source>
        <translation>«&#xa0;%1&#xa0;» est un système de fichiers monté&#xa0;: rien n’y a été supprimé, et «&#xa0;%2&#xa0;», qui le contient, reste.</translation>
    </message>
</context>
<context>
    <name>RenameNoReplace</name>
    <message>
        <source>“%1” already exists: it was left as it is.</source>
        <translation>«&#xa0;%1&#xa0;» existe déjà&#xa0;: il a été laissé tel quel.</translation>
    </message>
    <message>
        <source>Could not move “%1” to “%2”.</source>
        <translation>Impossible de déplacer «&#xa0;%1&#xa0;» vers «&#xa0;%2&#xa0;».</translation>
    </message>
</context>
<context>
    <name>RepositoryLock</name>
    <message>
        <source>Another Coffre job is working on this repository (process %1 on %2). Wait for it to finish.</source>
        <translation>Une autre tâche Coffre travaille sur ce dépôt (processus %1 sur %2). Attendez qu’elle se termine.</translation>
    </message>
    <message>
        <source>Cannot lock the repository “%1”: check that the folder is writable.</source>
        <translation>Impossible de verrouiller le dépôt «&#xa0;%1&#xa0;»&#xa0;: vérifiez que le dossier est accessible en écriture.</translation>
    </message>
    <message>
        <source>Cannot lock the repository “%1”.</source>
        <translation>Impossible de verrouiller le dépôt «&#xa0;%1&#xa0;».</translation>
    </message>
</context>
<context>
    <name>RestoreCarry</name>
    <message>
        <source>“%1” has a name that is not valid text: it stays in “%2”.</source>
        <translation>«&#xa0;%1&#xa0;» a un nom qui n’est pas un texte valide&#xa0;: il reste dans «&#xa0;%2&#xa0;».</translation>
    </message>
    <message>
        <source>“%1” is in the backup too: the restored one is kept, the current one stays in “%2”.</source>
        <translation>«&#xa0;%1&#xa0;» est aussi dans la sauvegarde&#xa0;: la version restaurée est gardée, l’actuelle reste dans «&#xa0;%2&#xa0;».</translation>
    </message>
    <message>
        <source>The restored folder has a file or a link where “%1” goes: it stays in “%2”.</source>
        <translation>Le dossier restauré a un fichier ou un lien là où va «&#xa0;%1&#xa0;»&#xa0;: il reste dans «&#xa0;%2&#xa0;».</translation>
    </message>
    <message>
        <source>Could not make the folder “%1” in “%2”.</source>
        <translation>Impossible de créer le dossier «&#xa0;%1&#xa0;» dans «&#xa0;%2&#xa0;».</translation>
    </message>
    <message>
        <source>“%1” could not be carried into the restored folder %2 (%3): it is still in %4.</source>
        <translation>«&#xa0;%1&#xa0;» n’a pas pu être reporté dans le dossier restauré %2 (%3)&#xa0;: il est toujours dans %4.</translation>
    </message>
</context>
<context>
    <name>RestoreCleanup</name>
    <message>
        <source>There are no before-restore copies to remove.</source>
        <translation>Aucune copie de sécurité (before_restore) à supprimer.</translation>
    </message>
    <message>
        <source>“%1” holds a mounted file system (%2): unmount it or move it out first. Nothing was removed.</source>
        <translation>«&#xa0;%1&#xa0;» contient un système de fichiers monté (%2)&#xa0;: démontez-le ou sortez-le d’abord. Rien n’a été supprimé.</translation>
    </message>
    <message>
        <source>Removing %1</source>
        <translation>Suppression de %1</translation>
    </message>
    <message>
        <source>Another restore was made since the list was shown: nothing was removed. Look at the list again.</source>
        <translation>Une autre restauration a eu lieu depuis l’affichage de la liste&#xa0;: rien n’a été supprimé. Regardez la liste à nouveau.</translation>
    </message>
</context>
<context>
    <name>RestoreCommands</name>
    <message>
        <source>Name one backup, or give --latest.</source>
        <translation>Indiquez une sauvegarde, ou utilisez --latest.</translation>
    </message>
    <message>
        <source>There is no complete backup in %1.</source>
        <translation>Aucune sauvegarde complète dans %1.</translation>
    </message>
    <message>
        <source>There is no backup named “%1” in %2.</source>
        <translation>Aucune sauvegarde nommée «&#xa0;%1&#xa0;» dans %2.</translation>
    </message>
    <message>
        <source>--confirm takes the word OUI, in capitals.</source>
        <translation>--confirm attend le mot OUI, en majuscules.</translation>
    </message>
    <message>
        <source>Nothing was changed.</source>
        <translation>Rien n’a été modifié.</translation>
    </message>
    <message>
        <source>Restoring %1 (%2) will replace:</source>
        <translation>La restauration de %1 (%2) remplacera&#xa0;:</translation>
    </message>
    <message>
        <source>  nothing in the database: it goes into a new database “%1”</source>
        <translation>  rien dans la base de données&#xa0;: restauration dans une nouvelle base «&#xa0;%1&#xa0;»</translation>
    </message>
    <message>
        <source>What is there now is kept beside it (…before_restore_…), and can be put back with undo-restore.</source>
        <translation>L’existant est conservé à côté (…before_restore_…) et peut être remis en place avec undo-restore.</translation>
    </message>
    <message>
        <source>The database already has tables: nothing was restored.</source>
        <translation>La base de données contient déjà des tables&#xa0;: rien n’a été restauré.</translation>
    </message>
    <message>
        <source>Restored %1.</source>
        <translation>Sauvegarde %1 restaurée.</translation>
    </message>
    <message>
        <source>Previous database kept as %1.</source>
        <translation>Base de données précédente conservée sous %1.</translation>
    </message>
    <message>
        <source>Previous folder kept as %1.</source>
        <translation>Dossier précédent conservé sous %1.</translation>
    </message>
    <message>
        <source>The backup&apos;s database is in “%1”.</source>
        <translation>La base de données de la sauvegarde se trouve dans «&#xa0;%1&#xa0;».</translation>
    </message>
    <message>
        <source>%1: all %2 files match their checksums (%3).</source>
        <translation>%1&#xa0;: les %2 fichiers correspondent tous à leur somme de contrôle (%3).</translation>
    </message>
    <message>
        <source>The restore of %1 (%2) was undone: the previous state is back; the restored one is kept as …undone_%2.</source>
        <translation>La restauration de %1 (%2) a été annulée&#xa0;: l’état précédent est rétabli&#xa0;; l’état restauré est conservé sous …undone_%2.</translation>
    </message>
    <message>
        <source>This removes for good, and ends Undo:
  %1</source>
        <translation>Les éléments suivants seront supprimés définitivement et la restauration ne pourra plus être annulée&#xa0;:
  %1</translation>
    </message>
    <message>
        <source>Removed the before-restore copies of %1.</source>
        <translation>Copies de sécurité (before_restore) du %1 supprimées.</translation>
    </message>
    <message>
        <source>Confirm without a prompt: the word OUI.</source>
        <translation>Confirmer sans invite&#xa0;: le mot OUI.</translation>
    </message>
    <message>
        <source>Restore a backup; what it replaces is kept and can be put back.</source>
        <translation>Restaurer une sauvegarde&#xa0;; ce qui est remplacé est conservé et peut être remis en place.</translation>
    </message>
    <message>
        <source>Restore the database under this new name, for inspection.</source>
        <translation>Restaurer la base de données sous ce nouveau nom, pour examen.</translation>
    </message>
    <message>
        <source>Restore the newest complete backup.</source>
        <translation>Restaurer la sauvegarde complète la plus récente.</translation>
    </message>
    <message>
        <source>Restore only when the database has no tables (for a start-up script).</source>
        <translation>Restaurer uniquement si la base de données ne contient aucune table (pour un script de démarrage).</translation>
    </message>
    <message>
        <source>Check every file of a backup against its checksum.</source>
        <translation>Vérifier chaque fichier d’une sauvegarde avec sa somme de contrôle.</translation>
    </message>
    <message>
        <source>Check the newest complete backup.</source>
        <translation>Vérifier la sauvegarde complète la plus récente.</translation>
    </message>
    <message>
        <source>Put back what the last restore replaced.</source>
        <translation>Remettre en place ce que la dernière restauration a remplacé.</translation>
    </message>
    <message>
        <source>Remove the before-restore copies of the last restore, for good.</source>
        <translation>Supprimer définitivement les copies de sécurité (before_restore) de la dernière restauration.</translation>
    </message>
    <message>
        <source>Type OUI (yes, in French) to go on: </source>
        <translation>Tapez OUI pour continuer&#xa0;: </translation>
    </message>
    <message>
        <source>The database was restored in place; its previous state is in the backup %1.</source>
        <translation>La base de données a été restaurée sur place&#xa0;; son état précédent se trouve dans la sauvegarde %1.</translation>
    </message>
    <message>
        <source>Only say what the restore would replace; change nothing.</source>
        <translation>Dit seulement ce que la restauration remplacerait&#xa0;; ne change rien.</translation>
    </message>
    <message numerus="yes">
        <source>Put back %n object(s) in %1; %2 were unchanged.</source>
        <translation>
            <numerusform>%n objet remis en place dans %1&#xa0;; objets inchangés&#xa0;: %2.</numerusform>
            <numerusform>%n objets remis en place dans %1&#xa0;; objets inchangés&#xa0;: %2.</numerusform>
        </translation>
    </message>
    <message numerus="yes">
        <source>Removed %n object(s) added since the backup:</source>
        <translation>
            <numerusform>%n objet ajouté depuis la sauvegarde a été supprimé&#xa0;:</numerusform>
            <numerusform>%n objets ajoutés depuis la sauvegarde ont été supprimés&#xa0;:</numerusform>
        </translation>
    </message>
    <message numerus="yes">
        <source>Kept %n object(s) added since the backup (--remove-new-objects removes them):</source>
        <translation>
            <numerusform>%n objet ajouté depuis la sauvegarde a été conservé (--remove-new-objects le supprime)&#xa0;:</numerusform>
            <numerusform>%n objets ajoutés depuis la sauvegarde ont été conservés (--remove-new-objects les supprime)&#xa0;:</numerusform>
        </translation>
    </message>
    <message>
        <source>What the bucket held before is in the backup %1.</source>
        <translation>Le contenu précédent du compartiment se trouve dans la sauvegarde %1.</translation>
    </message>
    <message>
        <source>--only takes database, sources, documents or a folder label of the backup (not “%1”).</source>
        <translation>--only attend database, sources, documents ou un libellé de dossier de la sauvegarde (pas «&#xa0;%1&#xa0;»).</translation>
    </message>
    <message>
        <source>%1 is proven restorable: %2</source>
        <translation>%1 est prouvée restaurable&#xa0;: %2</translation>
    </message>
    <message>
        <source>The restore of %1 (%2) was undone: the bucket is as it was before.</source>
        <translation>La restauration de %1 (%2) a été annulée&#xa0;: le compartiment est tel qu’avant.</translation>
    </message>
    <message>
        <source>Restore only this part: database, sources, documents (the bucket), or a folder label; repeatable.</source>
        <translation>Restaurer seulement cet élément&#xa0;: database, sources, documents (le compartiment) ou un libellé de dossier&#xa0;; option répétable.</translation>
    </message>
    <message>
        <source>Also remove the objects added to the documents bucket since the backup (they are kept otherwise).</source>
        <translation>Supprimer aussi les objets ajoutés au compartiment des documents depuis la sauvegarde (sinon, ils sont conservés).</translation>
    </message>
    <message>
        <source>Prove a backup restorable: its database restored into a scratch database, row counts checked, dropped; its folders&apos; archives read through. Nothing live is touched.</source>
        <translation>Prouver qu’une sauvegarde est restaurable&#xa0;: sa base de données est restaurée dans une base temporaire, les nombres de lignes sont vérifiés, puis la base est supprimée&#xa0;; les archives de ses dossiers sont lues jusqu’au bout. Rien de ce qui est en service n’est touché.</translation>
    </message>
    <message>
        <source>Drill the newest complete backup.</source>
        <translation>Prouver restaurable la sauvegarde complète la plus récente.</translation>
    </message>
    <message>
        <source>No restore drill is scheduled for %1 (schedule set --drill-every DAYS).</source>
        <translation>Aucun exercice de restauration n’est planifié pour %1 (schedule set --drill-every JOURS).</translation>
    </message>
    <message>
        <source>The last good restore drill was on %1; the next is due from %2.</source>
        <translation>Le dernier exercice de restauration réussi date du %1&#xa0;; le prochain est dû à partir du %2.</translation>
    </message>
    <message>
        <source>Only when the profile&apos;s schedule asks for drills and the last good one is old enough (what the scheduled run adds); a failure is notified.</source>
        <translation>Seulement si la planification du profil demande des exercices et que le dernier réussi est assez ancien (ce qu’ajoute l’exécution planifiée)&#xa0;; un échec est notifié.</translation>
    </message>
    <message>
        <source>Without a terminal, give --confirm OUI to go on.</source>
        <translation>Sans terminal, donnez --confirm OUI pour continuer.</translation>
    </message>
    <message>
        <source>OUI is typed in capitals.</source>
        <translation>OUI se tape en majuscules.</translation>
    </message>
</context>
<context>
    <name>RestoreJob</name>
    <message>
        <source>The restore was canceled. Nothing was changed.</source>
        <translation>La restauration a été annulée. Rien n’a été modifié.</translation>
    </message>
    <message>
        <source>Restore of %1 complete.</source>
        <translation>Restauration de %1 terminée.</translation>
    </message>
    <message>
        <source>This backup holds no database.</source>
        <translation>Cette sauvegarde ne contient aucune base de données.</translation>
    </message>
    <message>
        <source>This backup holds no folder “%1”.</source>
        <translation>Cette sauvegarde ne contient aucun dossier «&#xa0;%1&#xa0;».</translation>
    </message>
    <message>
        <source>The profile has no folder labelled “%1” to restore into.</source>
        <translation>Le profil n’a aucun dossier de libellé «&#xa0;%1&#xa0;» dans lequel restaurer.</translation>
    </message>
    <message>
        <source>Not enough free space beside “%1”: %2 are needed and %3 are free.</source>
        <translation>Espace libre insuffisant à côté de «&#xa0;%1&#xa0;»&#xa0;: %2 sont nécessaires et %3 sont libres.</translation>
    </message>
    <message>
        <source>Choose at least one part to restore.</source>
        <translation>Choisissez au moins un élément à restaurer.</translation>
    </message>
    <message>
        <source>The profile does not say which database to restore into: give its name.</source>
        <translation>Le profil n’indique pas dans quelle base de données restaurer&#xa0;: indiquez son nom.</translation>
    </message>
    <message>
        <source>Restoring under another name needs a role that may create databases.</source>
        <translation>La restauration sous un autre nom nécessite un rôle autorisé à créer des bases de données.</translation>
    </message>
    <message>
        <source>A database named “%1” already exists.</source>
        <translation>Une base de données nommée «&#xa0;%1&#xa0;» existe déjà.</translation>
    </message>
    <message>
        <source>Not enough free space in “%1” to unpack the database dump: about %2 are needed and %3 are free.</source>
        <translation>Espace libre insuffisant dans «&#xa0;%1&#xa0;» pour décompresser le dump de la base de données&#xa0;: environ %2 sont nécessaires et %3 sont libres.</translation>
    </message>
    <message>
        <source>Cannot create a staging folder in the repository.</source>
        <translation>Impossible de créer un dossier de préparation dans le dépôt.</translation>
    </message>
    <message>
        <source>Decompressing the database dump…</source>
        <translation>Décompression du dump de la base de données…</translation>
    </message>
    <message>
        <source>Indexed %1 data blocks of the dump for parallel restore.</source>
        <translation>%1 blocs de données du dump indexés pour la restauration parallèle.</translation>
    </message>
    <message>
        <source>Restoring the database into “%1”…</source>
        <translation>Restauration de la base de données dans «&#xa0;%1&#xa0;»…</translation>
    </message>
    <message>
        <source>pg_restore failed: the database was not changed.</source>
        <translation>Échec de pg_restore&#xa0;: la base de données n’a pas été modifiée.</translation>
    </message>
    <message>
        <source>Comparing row counts with the backup…</source>
        <translation>Comparaison du nombre de lignes avec la sauvegarde…</translation>
    </message>
    <message>
        <source>The restored table %1.%2 has %3 rows where the backup has %4: the restore is refused.</source>
        <translation>La table restaurée %1.%2 contient %3 lignes alors que la sauvegarde en contient %4&#xa0;: la restauration est refusée.</translation>
    </message>
    <message>
        <source>Extracting “%1”…</source>
        <translation>Extraction de «&#xa0;%1&#xa0;»…</translation>
    </message>
    <message numerus="yes">
        <source>%n link(s) in “%1” pointed outside the folder and were not restored (see the log).</source>
        <translation>
            <numerusform>%n lien de «&#xa0;%1&#xa0;» pointait hors du dossier et n’a pas été restauré (voir le journal).</numerusform>
            <numerusform>%n liens de «&#xa0;%1&#xa0;» pointaient hors du dossier et n’ont pas été restaurés (voir le journal).</numerusform>
        </translation>
    </message>
    <message>
        <source>Making a safety copy of the database…</source>
        <translation>Création d’une copie de sécurité de la base de données…</translation>
    </message>
    <message>
        <source>The safety copy of the database failed, so nothing was restored.</source>
        <translation>La copie de sécurité de la base de données a échoué&#xa0;: rien n’a été restauré.</translation>
    </message>
    <message>
        <source>Restoring the database in place…</source>
        <translation>Restauration de la base de données sur place…</translation>
    </message>
    <message>
        <source>Running “%1”…</source>
        <translation>Exécution de «&#xa0;%1&#xa0;»…</translation>
    </message>
    <message>
        <source>“%1” failed (exit status %2); the restore itself is complete.</source>
        <translation>Échec de «&#xa0;%1&#xa0;» (code de sortie %2)&#xa0;; la restauration elle-même est terminée.</translation>
    </message>
    <message>
        <source>Only a complete backup can be restored (“%1” is %2).</source>
        <translation>Seule une sauvegarde complète peut être restaurée («&#xa0;%1&#xa0;» a le statut %2).</translation>
    </message>
    <message>
        <source>The last restore (%1) was already undone.</source>
        <translation>La dernière restauration (%1) a déjà été annulée.</translation>
    </message>
    <message>
        <source>The copy “%1” is gone: the restore can no longer be undone.</source>
        <translation>La copie «&#xa0;%1&#xa0;» a disparu&#xa0;: la restauration ne peut plus être annulée.</translation>
    </message>
    <message>
        <source>The database “%1” is gone: the restore can no longer be undone.</source>
        <translation>La base de données «&#xa0;%1&#xa0;» a disparu&#xa0;: la restauration ne peut plus être annulée.</translation>
    </message>
    <message>
        <source>A restore was interrupted, and the database server cannot be reached to put it back: %1</source>
        <translation>Une restauration a été interrompue, et le serveur de base de données est injoignable pour rétablir l’état précédent&#xa0;: %1</translation>
    </message>
    <message>
        <source>A restore of %1 was interrupted; putting the previous state back failed: %2</source>
        <translation>Une restauration de %1 a été interrompue&#xa0;; le rétablissement de l’état précédent a échoué&#xa0;: %2</translation>
    </message>
    <message>
        <source>A restore of %1 was interrupted on %2 before it changed anything; its temporary files were removed.</source>
        <translation>Une restauration de %1 a été interrompue le %2 avant toute modification&#xa0;; ses fichiers temporaires ont été supprimés.</translation>
    </message>
    <message>
        <source>A restore of %1 was interrupted on %2: the previous state was put back.</source>
        <translation>Une restauration de %1 a été interrompue le %2&#xa0;: l’état précédent a été rétabli.</translation>
    </message>
    <message>
        <source>An earlier restore was interrupted and has not been put back yet: open Coffre, or run coffre-cli restore again once the database server is reachable.</source>
        <translation>Une restauration précédente a été interrompue et l’état antérieur n’a pas encore été rétabli&#xa0;: ouvrez Coffre, ou relancez coffre-cli restore une fois le serveur de base de données joignable.</translation>
    </message>
    <message>
        <source>The database was restored in place, but %1 Its state before is in the safety backup %2.</source>
        <translation>La base de données a été restaurée sur place, mais %1 Son état antérieur se trouve dans la copie de sécurité %2.</translation>
    </message>
    <message>
        <source>“%1” is longer than PostgreSQL allows for a name (63 bytes).</source>
        <translation>«&#xa0;%1&#xa0;» dépasse la longueur de nom permise par PostgreSQL (63 octets).</translation>
    </message>
    <message>
        <source>No free name is left for the restore&apos;s temporary databases.</source>
        <translation>Il ne reste aucun nom libre pour les bases de données temporaires de la restauration.</translation>
    </message>
    <message>
        <source>“%1” was stopped after %2 minutes.</source>
        <translation>«&#xa0;%1&#xa0;» a été arrêté au bout de %2&#xa0;minutes.</translation>
    </message>
    <message>
        <source>Restoring the database settings…</source>
        <translation>Restauration des paramètres de la base de données…</translation>
    </message>
    <message>
        <source>The restore failed and was rolled back: the database is as it was. Its state before the restore is also in the safety backup %1.</source>
        <translation>La restauration a échoué et a été annulée&#xa0;: la base de données est inchangée. Son état d’avant la restauration se trouve aussi dans la copie de sécurité %1.</translation>
    </message>
    <message>
        <source>The database was restored in place; its state before is in the safety backup %1.</source>
        <translation>La base de données a été restaurée sur place&#xa0;; son état précédent se trouve dans la copie de sécurité %1.</translation>
    </message>
    <message>
        <source>The restore can no longer be undone: %1</source>
        <translation>La restauration ne peut plus être annulée&#xa0;: %1</translation>
    </message>
    <message>
        <source>Putting the folders back failed too: see the message above; Coffre tries again at its next start.</source>
        <translation>La remise en place des dossiers a échoué aussi&#xa0;: voir le message ci-dessus&#xa0;; Coffre réessaie à son prochain démarrage.</translation>
    </message>
    <message>
        <source>The folders (%1) are as they were before the restore.</source>
        <translation>Les dossiers (%1) sont tels qu’avant la restauration.</translation>
    </message>
    <message>
        <source>The database was restored (in place, from %1), but the folders were not: %2 %3 The database and the folders no longer match. The database&apos;s state before the restore is in the safety backup %4.</source>
        <translation>La base de données a été restaurée (sur place, depuis %1), mais pas les dossiers&#xa0;: %2 %3 La base et les dossiers ne correspondent plus. L’état de la base avant la restauration est dans la sauvegarde de sécurité %4.</translation>
    </message>
    <message>
        <source>The undo stopped halfway: %1 What is still to undo is recorded: run Undo again once this is fixed.</source>
        <translation>L’annulation s’est arrêtée à mi-chemin&#xa0;: %1 Ce qui reste à annuler est noté&#xa0;: relancez Annuler une fois le problème réglé.</translation>
    </message>
    <message>
        <source>The restore journal does not say which bucket to put back.</source>
        <translation>Le journal de restauration n’indique pas quel compartiment remettre en place.</translation>
    </message>
    <message>
        <source>Putting %1 back as it was…</source>
        <translation>Remise de %1 dans son état antérieur…</translation>
    </message>
    <message>
        <source>This backup holds no bucket “%1”.</source>
        <translation>Cette sauvegarde ne contient aucun compartiment «&#xa0;%1&#xa0;».</translation>
    </message>
    <message>
        <source>The profile names no documents bucket to restore “%1” into.</source>
        <translation>Le profil n’indique aucun compartiment des documents dans lequel restaurer «&#xa0;%1&#xa0;».</translation>
    </message>
    <message>
        <source>Comparing %1 with the backup…</source>
        <translation>Comparaison de %1 avec la sauvegarde…</translation>
    </message>
    <message numerus="yes">
        <source>Saving the %n object(s) the restore replaces or removes…</source>
        <translation>
            <numerusform>Mise à l’abri de %n objet que la restauration remplace ou supprime…</numerusform>
            <numerusform>Mise à l’abri des %n objets que la restauration remplace ou supprime…</numerusform>
        </translation>
    </message>
    <message>
        <source>The objects of %1 that the restore of %2 replaced or removed.</source>
        <translation>Les objets de %1 que la restauration de %2 a remplacés ou supprimés.</translation>
    </message>
    <message>
        <source>The safety copy of the bucket failed, so nothing was restored.</source>
        <translation>La copie de sécurité du compartiment a échoué&#xa0;: rien n’a été restauré.</translation>
    </message>
    <message>
        <source>Canceled.</source>
        <translation>Annulé.</translation>
    </message>
    <message>
        <source>The restore was canceled.</source>
        <translation>La restauration a été annulée.</translation>
    </message>
    <message>
        <source>%1 The bucket was put back as it was.</source>
        <translation>%1 Le compartiment a été remis dans son état antérieur.</translation>
    </message>
    <message>
        <source>%1 Putting the bucket back failed too (%2): Coffre tries again at its next start.</source>
        <translation>%1 La remise en place du compartiment a aussi échoué (%2)&#xa0;: Coffre réessaie à son prochain démarrage.</translation>
    </message>
    <message>
        <source>into the database %1</source>
        <translation>dans la base de données %1</translation>
    </message>
    <message>
        <source>The safety backup “%1” of the bucket is gone: the restore can no longer be undone.</source>
        <translation>La copie de sécurité «&#xa0;%1&#xa0;» du compartiment a disparu&#xa0;: la restauration ne peut plus être annulée.</translation>
    </message>
    <message>
        <source>A restore of %1 was interrupted; putting the bucket %2 back failed: %3</source>
        <translation>Une restauration de %1 a été interrompue&#xa0;; la remise en place du compartiment %2 a échoué&#xa0;: %3</translation>
    </message>
    <message>
        <source>“%1” holds %2 files where the backup&apos;s manifest says %3.</source>
        <translation>«&#xa0;%1&#xa0;» contient %2 fichiers là où le manifeste de la sauvegarde en indique %3.</translation>
    </message>
    <message>
        <source>Not enough free space for the restored database beside the current one: about %1 are needed and %2 are free on the database server&apos;s disk (%3). Nothing was changed.</source>
        <translation>Pas assez d’espace libre pour la base restaurée à côté de l’actuelle&#xa0;: environ %1 sont nécessaires et %2 sont libres sur le disque du serveur de base de données (%3). Rien n’a été modifié.</translation>
    </message>
    <message>
        <source>The dump is decompressed before pg_restore reads it: %1</source>
        <translation>Le dump est décompressé avant que pg_restore le lise&#xa0;: %1</translation>
    </message>
</context>
<context>
    <name>RestoreJournal</name>
    <message>
        <source>No restore to undo.</source>
        <translation>Aucune restauration à annuler.</translation>
    </message>
    <message>
        <source>The restore journal is unreadable.</source>
        <translation>Le journal de restauration est illisible.</translation>
    </message>
    <message>
        <source>The restore journal in this repository was written by the profile “%1”, which shares the repository with “%2”: only “%1” can undo, put back or clean up that restore. Nothing was changed.</source>
        <translation>Le journal de restauration de ce dépôt a été écrit par le profil «&#xa0;%1&#xa0;», qui partage le dépôt avec «&#xa0;%2&#xa0;»&#xa0;: seul «&#xa0;%1&#xa0;» peut annuler, remettre en place ou nettoyer cette restauration. Rien n’a été modifié.</translation>
    </message>
</context>
<context>
    <name>RestorePreview</name>
    <message>
        <source>Database %1: cannot be reached now (%2)</source>
        <translation>Base de données %1&#xa0;: injoignable pour le moment (%2)</translation>
    </message>
    <message>
        <source>Database “%1” on %2: does not exist yet; it will be created.</source>
        <translation>Base de données «&#xa0;%1&#xa0;» sur %2&#xa0;: n’existe pas encore&#xa0;; elle sera créée.</translation>
    </message>
    <message numerus="yes">
        <source>Database “%1” on %2: %3, %n other session(s) open (they will be ended)</source>
        <translation>
            <numerusform>Base de données «&#xa0;%1&#xa0;» sur %2&#xa0;: %3, %n autre session ouverte (elle sera fermée)</numerusform>
            <numerusform>Base de données «&#xa0;%1&#xa0;» sur %2&#xa0;: %3, %n autres sessions ouvertes (elles seront fermées)</numerusform>
        </translation>
    </message>
    <message>
        <source>Folder %1: %2</source>
        <translation>Dossier %1&#xa0;: %2</translation>
    </message>
    <message>
        <source>Folder %1: does not exist yet</source>
        <translation>Dossier %1&#xa0;: n’existe pas encore</translation>
    </message>
    <message>
        <source>Kept from the current folder (not in backups): %1</source>
        <translation>Conservé du dossier actuel (absent des sauvegardes)&#xa0;: %1</translation>
    </message>
    <message>
        <source>Bucket “%1”: not in this backup</source>
        <translation>Compartiment «&#xa0;%1&#xa0;»&#xa0;: absent de cette sauvegarde</translation>
    </message>
    <message>
        <source>Bucket “%1”: the profile names no documents bucket to restore it into</source>
        <translation>Compartiment «&#xa0;%1&#xa0;»&#xa0;: le profil n’indique aucun compartiment des documents où le restaurer</translation>
    </message>
    <message>
        <source>Bucket %1: cannot be reached now (%2)</source>
        <translation>Compartiment %1&#xa0;: injoignable pour le moment (%2)</translation>
    </message>
    <message numerus="yes">
        <source>Bucket %1: %n object(s) to put back (%2), %3 unchanged</source>
        <translation>
            <numerusform>Compartiment %1&#xa0;: %n objet à remettre en place (%2), %3 inchangé(s)</numerusform>
            <numerusform>Compartiment %1&#xa0;: %n objets à remettre en place (%2), %3 inchangé(s)</numerusform>
        </translation>
    </message>
    <message numerus="yes">
        <source>%n object(s) added to the bucket since the backup will be removed:</source>
        <translation>
            <numerusform>%n objet ajouté au compartiment depuis la sauvegarde sera supprimé&#xa0;:</numerusform>
            <numerusform>%n objets ajoutés au compartiment depuis la sauvegarde seront supprimés&#xa0;:</numerusform>
        </translation>
    </message>
    <message numerus="yes">
        <source>%n object(s) added to the bucket since the backup are kept (the restore removes them only when asked):</source>
        <translation>
            <numerusform>%n objet ajouté au compartiment depuis la sauvegarde est conservé (la restauration ne le supprime que sur demande)&#xa0;:</numerusform>
            <numerusform>%n objets ajoutés au compartiment depuis la sauvegarde sont conservés (la restauration ne les supprime que sur demande)&#xa0;:</numerusform>
        </translation>
    </message>
    <message>
        <source>The objects it replaces or removes are saved first in a safety backup; undo-restore puts them back.</source>
        <translation>Les objets qu’elle remplace ou supprime sont d’abord enregistrés dans une copie de sécurité&#xa0;; undo-restore les remet en place.</translation>
    </message>
    <message>
        <source>Warning: in this backup, the Prisma migrations of %1 and of the database already disagree (%2).</source>
        <translation>Attention&#xa0;: dans cette sauvegarde, les migrations Prisma de %1 et celles de la base de données divergent déjà (%2).</translation>
    </message>
    <message>
        <source>Warning: the restored database will not match the code in %1, which is not restored (%2). Restore the folder too, or run the migrations after.</source>
        <translation>Attention&#xa0;: la base de données restaurée ne correspondra pas au code de %1, qui n’est pas restauré (%2). Restaurez aussi le dossier, ou appliquez les migrations ensuite.</translation>
    </message>
    <message>
        <source>The Prisma migrations of the database could not be checked against %1: %2</source>
        <translation>Les migrations Prisma de la base de données n’ont pas pu être comparées à %1&#xa0;: %2</translation>
    </message>
    <message>
        <source>Warning: the restored folder %1 will not match the database, which is not restored (%2). Restore the database too, or run the migrations after.</source>
        <translation>Attention&#xa0;: le dossier restauré %1 ne correspondra pas à la base de données, qui n’est pas restaurée (%2). Restaurez aussi la base de données, ou appliquez les migrations ensuite.</translation>
    </message>
    <message>
        <source>Database “%1” on %2: %3, no other session open</source>
        <translation>Base de données «&#xa0;%1&#xa0;» sur %2&#xa0;: %3, aucune autre session ouverte</translation>
    </message>
</context>
<context>
    <name>RestoreSwap</name>
    <message>
        <source>Could not rename “%1” to “%2”.</source>
        <translation>Impossible de renommer «&#xa0;%1&#xa0;» en «&#xa0;%2&#xa0;».</translation>
    </message>
    <message>
        <source>Putting the restored database in place…</source>
        <translation>Mise en place de la base de données restaurée…</translation>
    </message>
    <message>
        <source>Putting “%1” in place…</source>
        <translation>Mise en place de «&#xa0;%1&#xa0;»…</translation>
    </message>
    <message>
        <source>Putting the previous database back…</source>
        <translation>Rétablissement de la base de données précédente…</translation>
    </message>
    <message>
        <source>%1 Putting the previous state back failed too; Coffre will try again at its next start.</source>
        <translation>%1 Le rétablissement de l’état précédent a aussi échoué&#xa0;; Coffre réessaiera à son prochain démarrage.</translation>
    </message>
    <message>
        <source>The database “%1” is not the one the restore journal recorded: it was left alone.</source>
        <translation>La base de données «&#xa0;%1&#xa0;» n’est pas celle que le journal de restauration a enregistrée&#xa0;: elle n’a pas été touchée.</translation>
    </message>
    <message>
        <source>No free name is left to keep the restored database aside.</source>
        <translation>Il ne reste aucun nom libre pour mettre de côté la base de données restaurée.</translation>
    </message>
</context>
<context>
    <name>RetentionCommands</name>
    <message>
        <source>Say what would go, delete nothing.</source>
        <translation>Indiquer ce qui partirait, sans rien supprimer.</translation>
    </message>
    <message>
        <source>Prune the profile&apos;s off-site copies (their own rules) instead of this repository; so does --repository s3://…</source>
        <translation>Purger les copies hors site du profil (selon leurs propres règles) au lieu de ce dépôt&#xa0;; --repository s3://… fait de même.</translation>
    </message>
    <message>
        <source>Keep the last N (instead of the profile&apos;s rules).</source>
        <translation>Garder les N dernières (au lieu des règles du profil).</translation>
    </message>
    <message>
        <source>Keep the newest backup of each of the last N days.</source>
        <translation>Garder la sauvegarde la plus récente de chacun des N derniers jours.</translation>
    </message>
    <message>
        <source>… of each of the last N weeks.</source>
        <translation>… de chacune des N dernières semaines.</translation>
    </message>
    <message>
        <source>… of each of the last N months.</source>
        <translation>… de chacun des N derniers mois.</translation>
    </message>
    <message>
        <source>… of each of the last N years.</source>
        <translation>… de chacune des N dernières années.</translation>
    </message>
    <message>
        <source>Never fewer than N backups (default 3).</source>
        <translation>Jamais moins de N sauvegardes (3 par défaut).</translation>
    </message>
    <message>
        <source>This profile has no off-site copies: give --offsite s3://…</source>
        <translation>Ce profil n’a pas de copies hors site&#xa0;: indiquez --offsite s3://…</translation>
    </message>
    <message>
        <source>No retention rule: every backup stays. Set them in the profile, or give --keep-daily 7 …</source>
        <translation>Aucune règle de rétention&#xa0;: toutes les sauvegardes restent. Définissez-les dans le profil, ou indiquez --keep-daily 7 …</translation>
    </message>
    <message>
        <source>NAME</source>
        <translation>NOM</translation>
    </message>
    <message>
        <source>CREATED</source>
        <translation>CRÉÉE</translation>
    </message>
    <message>
        <source>SIZE</source>
        <translation>TAILLE</translation>
    </message>
    <message>
        <source>DECISION</source>
        <translation>DÉCISION</translation>
    </message>
    <message>
        <source>WHY</source>
        <translation>MOTIF</translation>
    </message>
    <message>
        <source>keep</source>
        <translation>gardée</translation>
    </message>
    <message>
        <source>would go</source>
        <translation>partirait</translation>
    </message>
    <message>
        <source>removed</source>
        <translation>supprimée</translation>
    </message>
    <message numerus="yes">
        <source>Dry run (%1): %n backup(s) would go, %2 freed in %3.</source>
        <translation>
            <numerusform>Simulation (%1)&#xa0;: %n sauvegarde partirait, %2 libérés dans %3.</numerusform>
            <numerusform>Simulation (%1)&#xa0;: %n sauvegardes partiraient, %2 libérés dans %3.</numerusform>
        </translation>
    </message>
    <message numerus="yes">
        <source>Rules %1: %n backup(s) removed, %2 freed in %3.</source>
        <translation>
            <numerusform>Règles (%1)&#xa0;: %n sauvegarde supprimée, %2 libérés dans %3.</numerusform>
            <numerusform>Règles (%1)&#xa0;: %n sauvegardes supprimées, %2 libérés dans %3.</numerusform>
        </translation>
    </message>
    <message>
        <source>Name one backup.</source>
        <translation>Indiquez une sauvegarde.</translation>
    </message>
    <message>
        <source>%1 is pinned: retention never removes it (here or off-site).</source>
        <translation>%1 est épinglée&#xa0;: la rétention ne la supprime jamais (ici ou hors site).</translation>
    </message>
    <message>
        <source>%1 is no longer pinned.</source>
        <translation>%1 n’est plus épinglée.</translation>
    </message>
    <message>
        <source>Remove the backups the profile&apos;s retention rules let go (--dry-run: only say which).</source>
        <translation>Supprimer les sauvegardes que les règles de rétention du profil laissent partir (--dry-run&#xa0;: indiquer seulement lesquelles).</translation>
    </message>
    <message>
        <source>Keep a backup whatever the retention rules say.</source>
        <translation>Garder une sauvegarde, quoi que disent les règles de rétention.</translation>
    </message>
    <message>
        <source>Let the retention rules decide for a pinned backup again.</source>
        <translation>Rendre aux règles de rétention la décision sur une sauvegarde épinglée.</translation>
    </message>
</context>
<context>
    <name>RetentionPolicy</name>
    <message>
        <source>keep everything</source>
        <translation>tout garder</translation>
    </message>
    <message>
        <source>the last %1</source>
        <translation>les %1 dernières</translation>
    </message>
    <message>
        <source>%1 daily</source>
        <translation>%1 quotidiennes</translation>
    </message>
    <message>
        <source>%1 weekly</source>
        <translation>%1 hebdomadaires</translation>
    </message>
    <message>
        <source>%1 monthly</source>
        <translation>%1 mensuelles</translation>
    </message>
    <message>
        <source>%1 yearly</source>
        <translation>%1 annuelles</translation>
    </message>
    <message>
        <source>%1; at least %2; %3 safety copies</source>
        <translation>%1&#xa0;; au moins %2&#xa0;; %3 copies de sécurité</translation>
    </message>
    <message>
        <source>daily</source>
        <translation>quotidienne</translation>
    </message>
    <message>
        <source>weekly</source>
        <translation>hebdomadaire</translation>
    </message>
    <message>
        <source>monthly</source>
        <translation>mensuelle</translation>
    </message>
    <message>
        <source>yearly</source>
        <translation>annuelle</translation>
    </message>
    <message>
        <source>not complete: left for you to look at</source>
        <translation>incomplète&#xa0;: laissée pour que vous l’examiniez</translation>
    </message>
    <message>
        <source>pinned</source>
        <translation>épinglée</translation>
    </message>
    <message>
        <source>one of the %1 newest safety copies</source>
        <translation>l’une des %1 copies de sécurité les plus récentes</translation>
    </message>
    <message>
        <source>at least %1</source>
        <translation>au moins %1</translation>
    </message>
    <message>
        <source>beyond the rules</source>
        <translation>hors des règles</translation>
    </message>
</context>
<context>
    <name>S3Client</name>
    <message>
        <source>Canceled.</source>
        <translation>Annulé.</translation>
    </message>
    <message>
        <source>The certificate of %1 is not trusted. For a private server, give its CA file with the storage settings.</source>
        <translation>Le certificat de %1 n’est pas approuvé. Pour un serveur privé, indiquez son fichier CA dans les réglages du stockage.</translation>
    </message>
    <message>
        <source>Cannot reach the storage at %1: %2.</source>
        <translation>Impossible de joindre le stockage à l’adresse %1&#xa0;: %2.</translation>
    </message>
    <message>
        <source>Access denied by the storage at %1: the access key or the secret is wrong, or this key may not use the bucket %2.</source>
        <translation>Accès refusé par le stockage à l’adresse %1&#xa0;: la clé d’accès ou le secret est incorrect, ou cette clé n’a pas le droit d’utiliser le compartiment %2.</translation>
    </message>
    <message>
        <source>The bucket %1 does not exist at %2.</source>
        <translation>Le compartiment %1 n’existe pas sur %2.</translation>
    </message>
    <message>
        <source>%1 is not in the bucket %2.</source>
        <translation>%1 n’est pas dans le compartiment %2.</translation>
    </message>
    <message>
        <source>The storage at %1 does not offer this operation (%2).</source>
        <translation>Le stockage à l’adresse %1 ne propose pas cette opération (%2).</translation>
    </message>
    <message>
        <source>The storage refuses this computer&apos;s clock: set the date and time, then try again.</source>
        <translation>Le stockage refuse l’horloge de cet ordinateur&#xa0;: réglez la date et l’heure, puis réessayez.</translation>
    </message>
    <message>
        <source>The storage received other bytes than were sent (checksum mismatch): nothing was kept.</source>
        <translation>Le stockage a reçu d’autres octets que ceux qui ont été envoyés (sommes de contrôle différentes)&#xa0;: rien n’a été conservé.</translation>
    </message>
    <message>
        <source>The storage at %1 kept failing (%2 attempts): %3</source>
        <translation>Le stockage à l’adresse %1 a échoué à chaque tentative (%2 tentatives)&#xa0;: %3</translation>
    </message>
    <message>
        <source>The storage refused the request: %1</source>
        <translation>Le stockage a refusé la requête&#xa0;: %1</translation>
    </message>
    <message>
        <source>Cannot read %1.</source>
        <translation>Impossible de lire %1.</translation>
    </message>
    <message>
        <source>The storage assembled other bytes than were sent for %1.</source>
        <translation>Le stockage a assemblé pour %1 d’autres octets que ceux qui ont été envoyés.</translation>
    </message>
    <message>
        <source>The storage holds %1 bytes for %2 where %3 were sent.</source>
        <translation>Le stockage contient %1 octets pour %2 alors que %3 ont été envoyés.</translation>
    </message>
</context>
<context>
    <name>S3Location</name>
    <message>
        <source>&quot;%1&quot; is not an S3 address: write s3://bucket or s3://bucket/folder.</source>
        <translation>«&#xa0;%1&#xa0;» n’est pas une adresse S3&#xa0;: écrivez s3://compartiment ou s3://compartiment/dossier.</translation>
    </message>
    <message>
        <source>&quot;%1&quot; is not a bucket name: 3 to 63 lower-case letters, digits, dots or hyphens.</source>
        <translation>«&#xa0;%1&#xa0;» n’est pas un nom de compartiment&#xa0;: de 3 à 63 lettres minuscules, chiffres, points ou tirets.</translation>
    </message>
    <message>
        <source>The folder part of &quot;%1&quot; has an empty segment (&quot;//&quot;).</source>
        <translation>La partie dossier de «&#xa0;%1&#xa0;» contient un segment vide («&#xa0;//&#xa0;»).</translation>
    </message>
</context>
<context>
    <name>Schedule</name>
    <message>
        <source>hourly</source>
        <translation>toutes les heures</translation>
    </message>
    <message>
        <source>daily at %1</source>
        <translation>tous les jours à %1</translation>
    </message>
    <message>
        <source>weekly on %1 at %2</source>
        <translation>chaque %1 à %2</translation>
    </message>
    <message>
        <source>“%1” is not a schedule: hourly, daily or weekly.</source>
        <translation>«&#xa0;%1&#xa0;» n’est pas une périodicité&#xa0;: hourly, daily ou weekly.</translation>
    </message>
    <message>
        <source>“%1” is not a time of day: give HH:MM, from 00:00 to 23:59.</source>
        <translation>«&#xa0;%1&#xa0;» n’est pas une heure&#xa0;: indiquez HH:MM, de 00:00 à 23:59.</translation>
    </message>
    <message>
        <source>“%1” is not a day of the week: give mon, tue, wed, thu, fri, sat or sun.</source>
        <translation>«&#xa0;%1&#xa0;» n’est pas un jour de la semaine&#xa0;: indiquez mon, tue, wed, thu, fri, sat ou sun.</translation>
    </message>
    <message>
        <source>today %1</source>
        <translation>aujourd’hui à %1</translation>
    </message>
    <message>
        <source>tomorrow %1</source>
        <translation>demain à %1</translation>
    </message>
    <message>
        <source>yesterday %1</source>
        <translation>hier à %1</translation>
    </message>
    <message numerus="yes">
        <source>a restore drill every %n day(s)</source>
        <translation>
            <numerusform>un exercice de restauration chaque jour</numerusform>
            <numerusform>un exercice de restauration tous les %n jours</numerusform>
        </translation>
    </message>
</context>
<context>
    <name>ScheduleCommand</name>
    <message>
        <source>Run a profile&apos;s backups by themselves (a systemd user timer, or cron): set, show, remove.</source>
        <translation>Lancer automatiquement les sauvegardes d’un profil (un timer utilisateur systemd, ou cron)&#xa0;: set, show, remove.</translation>
    </message>
    <message>
        <source>set: every day at this time (HH:MM).</source>
        <translation>set&#xa0;: tous les jours à cette heure (HH:MM).</translation>
    </message>
    <message>
        <source>set: every hour, on the hour.</source>
        <translation>set&#xa0;: toutes les heures, à l’heure pile.</translation>
    </message>
    <message>
        <source>set: every week on this day at a time: --weekly mon 03:00.</source>
        <translation>set&#xa0;: chaque semaine, ce jour-là à une heure donnée&#xa0;: --weekly mon 03:00.</translation>
    </message>
    <message>
        <source>set: systemd or cron (default: systemd when its user manager answers, else cron).</source>
        <translation>set&#xa0;: systemd ou cron (par défaut&#xa0;: systemd si son gestionnaire utilisateur répond, sinon cron).</translation>
    </message>
    <message>
        <source>Give one of --daily HH:MM, --hourly or --weekly DAY HH:MM.</source>
        <translation>Indiquez une seule option parmi --daily HH:MM, --hourly ou --weekly DAY HH:MM.</translation>
    </message>
    <message>
        <source>--weekly takes a day and a time: --weekly mon 03:00.</source>
        <translation>--weekly attend un jour et une heure&#xa0;: --weekly mon 03:00.</translation>
    </message>
    <message>
        <source>To finish, run:</source>
        <translation>Pour terminer, exécutez&#xa0;:</translation>
    </message>
    <message>
        <source>systemd user timer %1.timer, enabled</source>
        <translation>timer utilisateur systemd %1.timer, activé</translation>
    </message>
    <message>
        <source>systemd user timer %1.timer, not enabled yet</source>
        <translation>timer utilisateur systemd %1.timer, pas encore activé</translation>
    </message>
    <message>
        <source>a line of your crontab</source>
        <translation>une ligne de votre crontab</translation>
    </message>
    <message>
        <source>not installed</source>
        <translation>non installé</translation>
    </message>
    <message>
        <source>--via takes systemd or cron.</source>
        <translation>--via attend systemd ou cron.</translation>
    </message>
    <message>
        <source>%1 is backed up %2 (%3); next run %4.</source>
        <translation>Le profil %1 est sauvegardé %2 (%3)&#xa0;; prochaine exécution&#xa0;: %4.</translation>
    </message>
    <message>
        <source>%1 has no schedule. coffre-cli --profile %1 schedule set --daily 02:30 makes one.</source>
        <translation>Le profil %1 n’a pas de planification. coffre-cli --profile %1 schedule set --daily 02:30 en crée une.</translation>
    </message>
    <message>
        <source>%1 is backed up %2 (%3).</source>
        <translation>Le profil %1 est sauvegardé %2 (%3).</translation>
    </message>
    <message>
        <source>Next run: %1.</source>
        <translation>Prochaine exécution&#xa0;: %1.</translation>
    </message>
    <message>
        <source>Last scheduled run: %1, %2%3.</source>
        <translation>Dernière exécution planifiée&#xa0;: %1, %2%3.</translation>
    </message>
    <message>
        <source>%1 is no longer scheduled.</source>
        <translation>Le profil %1 n’est plus planifié.</translation>
    </message>
    <message>
        <source>schedule takes set, show or remove.</source>
        <translation>schedule attend set, show ou remove.</translation>
    </message>
    <message>
        <source>Unexpected “%1”.</source>
        <translation>Argument inattendu&#xa0;: «&#xa0;%1&#xa0;».</translation>
    </message>
    <message>
        <source>A schedule belongs to a stored profile: give --profile NAME.</source>
        <translation>Une planification appartient à un profil enregistré&#xa0;: indiquez --profile NAME.</translation>
    </message>
    <message>
        <source>--drill-every takes a number of days (0 for none).</source>
        <translation>--drill-every attend un nombre de jours (0 pour aucun).</translation>
    </message>
    <message>
        <source>Then %1, on the latest backup.</source>
        <translation>Puis %1, sur la sauvegarde la plus récente.</translation>
    </message>
    <message>
        <source>set: after the scheduled run, a restore drill of the latest backup once the last good one is this many days old (coffre-cli drill --latest --due).</source>
        <translation>set&#xa0;: après l’exécution planifiée, un exercice de restauration de la sauvegarde la plus récente dès que le dernier réussi a ce nombre de jours (coffre-cli drill --latest --due).</translation>
    </message>
</context>
<context>
    <name>ScheduleInstaller</name>
    <message>
        <source>crontab could not be run.</source>
        <translation>crontab n’a pas pu être exécuté.</translation>
    </message>
    <message>
        <source>The crontab could not be read.</source>
        <translation>La crontab n’a pas pu être lue.</translation>
    </message>
    <message>
        <source>The crontab could not be written.</source>
        <translation>La crontab n’a pas pu être écrite.</translation>
    </message>
    <message>
        <source># Written by coffre-cli; `coffre-cli --profile %1 schedule remove` removes it.
</source>
        <translation># Écrit par coffre-cli&#xa0;; `coffre-cli --profile %1 schedule remove` le supprime.
</translation>
    </message>
    <message>
        <source>Coffre: scheduled backup of the profile %1</source>
        <translation>Coffre&#xa0;: sauvegarde planifiée du profil %1</translation>
    </message>
    <message>
        <source>Coffre: when the profile %1 is backed up (%2)</source>
        <translation>Coffre&#xa0;: quand le profil %1 est sauvegardé (%2)</translation>
    </message>
    <message>
        <source>The folder %1 cannot be created.</source>
        <translation>Le dossier %1 ne peut pas être créé.</translation>
    </message>
    <message>
        <source>systemd&apos;s user manager did not answer (no login session?): the timer is written but not enabled yet.</source>
        <translation>Le gestionnaire utilisateur de systemd n’a pas répondu (pas de session ouverte&#xa0;?)&#xa0;: le timer est écrit mais pas encore activé.</translation>
    </message>
    <message>
        <source>There is no crontab program either (install cron to schedule without systemd).</source>
        <translation>Il n’y a pas non plus de programme crontab (installez cron pour planifier sans systemd).</translation>
    </message>
    <message>
        <source>systemctl refused: %1</source>
        <translation>systemctl a refusé&#xa0;: %1</translation>
    </message>
    <message>
        <source>Your timers run only while you are logged in: `loginctl enable-linger %1` (as root, or with sudo) lets them run at any time.</source>
        <translation>Vos timers ne s’exécutent que lorsque vous êtes connecté&#xa0;: `loginctl enable-linger %1` (en root, ou avec sudo) leur permet de s’exécuter à tout moment.</translation>
    </message>
    <message>
        <source>There is no crontab program: install cron, or use systemd (--via systemd).</source>
        <translation>Il n’y a pas de programme crontab&#xa0;: installez cron, ou utilisez systemd (--via systemd).</translation>
    </message>
    <message>
        <source>cron does not catch up a run missed while the machine was off; a systemd timer does.</source>
        <translation>cron ne rattrape pas une exécution manquée pendant que la machine était éteinte&#xa0;; un timer systemd, si.</translation>
    </message>
    <message>
        <source>%1 cannot be removed.</source>
        <translation>%1 ne peut pas être supprimé.</translation>
    </message>
</context>
<context>
    <name>SecureExtractor</name>
    <message>
        <source>Cannot create the folder “%1”.</source>
        <translation>Impossible de créer le dossier «&#xa0;%1&#xa0;».</translation>
    </message>
    <message>
        <source>The archive “%1” cannot be opened.</source>
        <translation>L’archive «&#xa0;%1&#xa0;» ne peut pas être ouverte.</translation>
    </message>
    <message>
        <source>The archive “%1” is damaged or truncated.</source>
        <translation>L’archive «&#xa0;%1&#xa0;» est endommagée ou tronquée.</translation>
    </message>
    <message>
        <source>Canceled.</source>
        <translation>Annulé.</translation>
    </message>
    <message>
        <source>The archive “%1” holds an entry that would be written outside its folder (“%2”): it is refused.</source>
        <translation>L’archive «&#xa0;%1&#xa0;» contient une entrée qui serait écrite hors de son dossier («&#xa0;%2&#xa0;»)&#xa0;: elle est refusée.</translation>
    </message>
    <message>
        <source>The archive “%1” holds a link that points outside its folder (“%2”): it is refused.</source>
        <translation>L’archive «&#xa0;%1&#xa0;» contient un lien qui pointe hors de son dossier («&#xa0;%2&#xa0;»)&#xa0;: elle est refusée.</translation>
    </message>
    <message>
        <source>Not restored: the link “%1” points outside the folder (to “%2”).</source>
        <translation>Non restauré&#xa0;: le lien «&#xa0;%1&#xa0;» pointe hors du dossier (vers «&#xa0;%2&#xa0;»).</translation>
    </message>
    <message>
        <source>The archive “%1” holds a device or special file (“%2”): it is refused.</source>
        <translation>L’archive «&#xa0;%1&#xa0;» contient un périphérique ou un fichier spécial («&#xa0;%2&#xa0;»)&#xa0;: elle est refusée.</translation>
    </message>
    <message>
        <source>Could not extract “%1” from “%2”.</source>
        <translation>Impossible d’extraire «&#xa0;%1&#xa0;» de «&#xa0;%2&#xa0;».</translation>
    </message>
    <message>
        <source>Could not write “%1” while extracting (is the disk full?).</source>
        <translation>Impossible d’écrire «&#xa0;%1&#xa0;» pendant l’extraction (le disque est-il plein&#xa0;?).</translation>
    </message>
    <message>
        <source>The archive “%1” expands to more than it should (%2 bytes): it is refused.</source>
        <translation>L’archive «&#xa0;%1&#xa0;» se décompresse au-delà de la taille attendue (%2 octets)&#xa0;: elle est refusée.</translation>
    </message>
    <message>
        <source>Could not finish extracting “%1”.</source>
        <translation>Impossible de terminer l’extraction de «&#xa0;%1&#xa0;».</translation>
    </message>
    <message>
        <source>Could not give “%1” its owner back.</source>
        <translation>Impossible de rendre à «&#xa0;%1&#xa0;» son propriétaire.</translation>
    </message>
    <message>
        <source>The archive “%1” holds a hard link (“%2”), which a backup never has: it is refused.</source>
        <translation>L’archive «&#xa0;%1&#xa0;» contient un lien physique («&#xa0;%2&#xa0;»), ce qu’une sauvegarde n’a jamais&#xa0;: elle est refusée.</translation>
    </message>
    <message>
        <source>The archive “%1” cannot be read to its end.</source>
        <translation>L’archive «&#xa0;%1&#xa0;» ne peut pas être lue jusqu’au bout.</translation>
    </message>
</context>
<context>
    <name>SelectionExtractor</name>
    <message>
        <source>Choose the files or folders to extract.</source>
        <translation>Choisissez les fichiers ou dossiers à extraire.</translation>
    </message>
    <message>
        <source>The folder “%1” does not exist or cannot be written to.</source>
        <translation>Le dossier «&#xa0;%1&#xa0;» n’existe pas ou n’est pas accessible en écriture.</translation>
    </message>
    <message>
        <source>“%1” is not a file or folder of the backup “%2”.</source>
        <translation>«&#xa0;%1&#xa0;» n’est ni un fichier ni un dossier de la sauvegarde «&#xa0;%2&#xa0;».</translation>
    </message>
    <message>
        <source>Two of the chosen entries are named “%1”: extract them one at a time.</source>
        <translation>Deux des éléments choisis s’appellent «&#xa0;%1&#xa0;»&#xa0;: extrayez-les un par un.</translation>
    </message>
    <message>
        <source>“%1” already exists in %2: nothing was extracted.</source>
        <translation>«&#xa0;%1&#xa0;» existe déjà dans %2&#xa0;: rien n’a été extrait.</translation>
    </message>
    <message>
        <source>Cannot write in the folder “%1”.</source>
        <translation>Impossible d’écrire dans le dossier «&#xa0;%1&#xa0;».</translation>
    </message>
    <message>
        <source>Extracting from %1…</source>
        <translation>Extraction depuis %1…</translation>
    </message>
    <message>
        <source>“%1/%2” is not in the backup “%3”: nothing was extracted.</source>
        <translation>«&#xa0;%1/%2&#xa0;» n’est pas dans la sauvegarde «&#xa0;%3&#xa0;»&#xa0;: rien n’a été extrait.</translation>
    </message>
</context>
<context>
    <name>ServerCommands</name>
    <message>
        <source>Run the command on this server over ssh: user@host or a Host of ~/.ssh/config.</source>
        <translation>Exécute la commande sur ce serveur par ssh&#xa0;: utilisateur@hôte ou un Host de ~/.ssh/config.</translation>
    </message>
    <message>
        <source>The profile on the server (default: its only one).</source>
        <translation>Le profil sur le serveur (par défaut&#xa0;: son seul profil).</translation>
    </message>
    <message>
        <source>The server&apos;s SSH port.</source>
        <translation>Le port SSH du serveur.</translation>
    </message>
    <message>
        <source>The SSH key to use (default: ssh&apos;s own choice).</source>
        <translation>La clé SSH à utiliser (par défaut&#xa0;: celle que choisit ssh).</translation>
    </message>
    <message>
        <source>coffre-cli&apos;s path on the server (default: coffre-cli).</source>
        <translation>Le chemin de coffre-cli sur le serveur (par défaut&#xa0;: coffre-cli).</translation>
    </message>
    <message>
        <source>An ssh configuration file instead of ~/.ssh/config.</source>
        <translation>Un fichier de configuration ssh à la place de ~/.ssh/config.</translation>
    </message>
    <message>
        <source>Name one backup of the server.</source>
        <translation>Nommez une sauvegarde du serveur.</translation>
    </message>
    <message>
        <source>Downloaded %1 (%2) from %3 into %4; every checksum was verified.</source>
        <translation>%1 (%2) téléchargée de %3 dans %4&#xa0;; toutes les sommes de contrôle ont été vérifiées.</translation>
    </message>
    <message>
        <source>Name one local backup.</source>
        <translation>Nommez une sauvegarde locale.</translation>
    </message>
    <message>
        <source>Uploaded %1 (%2) to %3; the server checked every checksum.</source>
        <translation>%1 (%2) envoyée sur %3&#xa0;; le serveur a vérifié toutes les sommes de contrôle.</translation>
    </message>
    <message>
        <source>download copies a backup from a server or from off-site: give --server or --offsite.</source>
        <translation>download copie une sauvegarde depuis un serveur ou depuis le stockage hors site&#xa0;: indiquez --server ou --offsite.</translation>
    </message>
    <message>
        <source>upload copies a backup to a server or off-site: give --server or --offsite.</source>
        <translation>upload copie une sauvegarde vers un serveur ou hors site&#xa0;: indiquez --server ou --offsite.</translation>
    </message>
    <message>
        <source>Copy a backup of the server (--server), or of the off-site storage (the profile&apos;s, or --offsite), into the local repository (--profile or --repository).</source>
        <translation>Copier une sauvegarde du serveur (--server) ou du stockage hors site (celui du profil, ou --offsite) dans le dépôt local (--profile ou --repository).</translation>
    </message>
    <message>
        <source>Off-site only: fetch into this folder instead.</source>
        <translation>Hors site uniquement&#xa0;: récupérer plutôt dans ce dossier.</translation>
    </message>
    <message>
        <source>Copy a local backup (--profile or --repository) to the server&apos;s repository (--server), or off-site (the profile&apos;s, or --offsite).</source>
        <translation>Copier une sauvegarde locale (--profile ou --repository) vers le dépôt du serveur (--server) ou hors site (celui du profil, ou --offsite).</translation>
    </message>
</context>
<context>
    <name>ServerSite</name>
    <message>
        <source>Files are extracted from a backup on this computer: download it first.</source>
        <translation>Les fichiers s’extraient d’une sauvegarde présente sur cet ordinateur&#xa0;: téléchargez-la d’abord.</translation>
    </message>
    <message>
        <source>What is on %1 cannot be measured now: %2</source>
        <translation>Ce qui se trouve sur %1 ne peut pas être mesuré pour le moment&#xa0;: %2</translation>
    </message>
    <message>
        <source>On %1:</source>
        <translation>Sur %1&#xa0;:</translation>
    </message>
</context>
<context>
    <name>SourceTreeScanner</name>
    <message>
        <source>The source folder “%1” cannot be opened.</source>
        <translation>Le dossier source «&#xa0;%1&#xa0;» ne peut pas être ouvert.</translation>
    </message>
    <message>
        <source>The source folder “%1” cannot be read completely.</source>
        <translation>Le dossier source «&#xa0;%1&#xa0;» ne peut pas être lu entièrement.</translation>
    </message>
</context>
<context>
    <name>StreamedDumpRestore</name>
    <message>
        <source>Canceled.</source>
        <translation>Annulé.</translation>
    </message>
    <message>
        <source>Cannot write the dump&apos;s table of contents into “%1”.</source>
        <translation>Impossible d’écrire la table des matières du dump dans «&#xa0;%1&#xa0;».</translation>
    </message>
    <message>
        <source>Building the indexes and constraints of “%1”…</source>
        <translation>Construction des index et des contraintes de «&#xa0;%1&#xa0;»…</translation>
    </message>
    <message>
        <source>Loading the data into “%1”…</source>
        <translation>Chargement des données dans «&#xa0;%1&#xa0;»…</translation>
    </message>
    <message>
        <source>The database dump holds no data for %1.%2 although its table of contents lists some.</source>
        <translation>Le dump de la base ne contient aucune donnée pour %1.%2, alors que sa table des matières en annonce.</translation>
    </message>
    <message>
        <source>Loaded %1 data blocks and %2 sequence values from the compressed dump, without unpacking it.</source>
        <translation>%1 blocs de données et %2 valeurs de séquences chargés depuis le dump compressé, sans le décompresser sur le disque.</translation>
    </message>
    <message>
        <source>The database dump&apos;s table of contents cannot be read: %1</source>
        <translation>La table des matières du dump de la base est illisible&#xa0;: %1</translation>
    </message>
    <message>
        <source>it ends early</source>
        <translation>elle s’arrête trop tôt</translation>
    </message>
    <message>
        <source>pg_dump compressed its data blocks itself</source>
        <translation>pg_dump a compressé lui-même ses blocs de données</translation>
    </message>
    <message>
        <source>its data is INSERT statements, not COPY</source>
        <translation>ses données sont des instructions INSERT, pas COPY</translation>
    </message>
    <message>
        <source>it holds data of a kind this does not load (%1)</source>
        <translation>il contient des données d’un type que ce chargement ne prend pas en charge (%1)</translation>
    </message>
    <message>
        <source>Loading the data failed.</source>
        <translation>Le chargement des données a échoué.</translation>
    </message>
    <message>
        <source>The database dump is damaged: a table&apos;s data is no longer where it was.</source>
        <translation>Le dump de la base est endommagé&#xa0;: les données d’une table ne sont plus où elles étaient.</translation>
    </message>
    <message>
        <source>%1.%2: its last %3 were loaded by a second connection at the same time, then appended in the dump&apos;s order.</source>
        <translation>%1.%2&#xa0;: ses derniers %3 ont été chargés en même temps par une seconde connexion, puis ajoutés dans l’ordre du dump.</translation>
    </message>
</context>
<context>
    <name>SyncTree</name>
    <message>
        <source>Could not make sure “%1” is written to disk.</source>
        <translation>Impossible de s’assurer que «&#xa0;%1&#xa0;» est écrit sur le disque.</translation>
    </message>
</context>
<context>
    <name>TransferCommands</name>
    <message>
        <source>Name one backup and the file to write with --to (.zip or .tar).</source>
        <translation>Nommez une sauvegarde et le fichier à écrire avec --to (.zip ou .tar).</translation>
    </message>
    <message>
        <source>--to names a .zip or a .tar file.</source>
        <translation>--to désigne un fichier .zip ou .tar.</translation>
    </message>
    <message>
        <source>Saved %1 to %2 (%3); every checksum was verified.</source>
        <translation>%1 enregistrée dans %2 (%3)&#xa0;; toutes les sommes de contrôle ont été vérifiées.</translation>
    </message>
    <message>
        <source>Name one file to import (.zip or .tar, as export writes them).</source>
        <translation>Nommez un fichier à importer (.zip ou .tar, tel qu’export les écrit).</translation>
    </message>
    <message>
        <source>Imported %1 (%2) into %3; every checksum was verified.</source>
        <translation>%1 (%2) importée dans %3&#xa0;; toutes les sommes de contrôle ont été vérifiées.</translation>
    </message>
    <message>
        <source>Save a backup as one .zip or .tar file (to hand over or copy elsewhere).</source>
        <translation>Enregistrer une sauvegarde en un seul fichier .zip ou .tar (pour la transmettre ou la copier ailleurs).</translation>
    </message>
    <message>
        <source>Replace the file if it exists.</source>
        <translation>Remplacer le fichier s’il existe.</translation>
    </message>
    <message>
        <source>--to - writes the backup itself on stdout: it cannot be combined with --json.</source>
        <translation>--to - écrit la sauvegarde elle-même sur la sortie standard&#xa0;: impossible de le combiner avec --json.</translation>
    </message>
    <message>
        <source>--to - writes a .tar on stdout: send it to a file or a pipe, not to the terminal.</source>
        <translation>--to - écrit un .tar sur la sortie standard&#xa0;: envoyez-le dans un fichier ou un tube, pas dans le terminal.</translation>
    </message>
    <message>
        <source>import - reads a .tar from stdin: pipe it in (e.g. from export NAME --to -).</source>
        <translation>import - lit un .tar sur l’entrée standard&#xa0;: envoyez-le par un tube (par exemple depuis export NOM --to -).</translation>
    </message>
    <message>
        <source>The file to write; .zip or .tar decides the format; - writes a .tar on stdout.</source>
        <translation>Le fichier à écrire&#xa0;; .zip ou .tar décide du format&#xa0;; - écrit un .tar sur la sortie standard.</translation>
    </message>
    <message>
        <source>Add an exported backup (.zip or .tar; - reads a .tar from stdin) to the repository, after checking it.</source>
        <translation>Ajoute au dépôt une sauvegarde exportée (.zip ou .tar&#xa0;; - lit un .tar sur l’entrée standard), après l’avoir vérifiée.</translation>
    </message>
    <message>
        <source>to standard output</source>
        <translation>vers la sortie standard</translation>
    </message>
</context>
<context>
    <name>TreeArchiver</name>
    <message>
        <source>Could not start the archive of “%1”.</source>
        <translation>Impossible de démarrer l’archivage de «&#xa0;%1&#xa0;».</translation>
    </message>
    <message>
        <source>Could not archive “%1” from “%2”.</source>
        <translation>Impossible d’archiver «&#xa0;%1&#xa0;» depuis «&#xa0;%2&#xa0;».</translation>
    </message>
    <message>
        <source>Stopped.</source>
        <translation>Arrêté.</translation>
    </message>
    <message>
        <source>“%1” shrank while the backup ran; padded with zeros.</source>
        <translation>«&#xa0;%1&#xa0;» a rétréci pendant la sauvegarde&#xa0;; complété par des zéros.</translation>
    </message>
    <message>
        <source>The source folder “%1” cannot be opened.</source>
        <translation>Le dossier source «&#xa0;%1&#xa0;» ne peut pas être ouvert.</translation>
    </message>
    <message>
        <source>Cannot read “%1” in “%2”: the backup stops rather than leave it out.</source>
        <translation>Impossible de lire «&#xa0;%1&#xa0;» dans «&#xa0;%2&#xa0;»&#xa0;: la sauvegarde s’arrête plutôt que de l’omettre.</translation>
    </message>
    <message>
        <source>“%1” vanished while the backup ran.</source>
        <translation>«&#xa0;%1&#xa0;» a disparu pendant la sauvegarde.</translation>
    </message>
    <message>
        <source>Cannot create the folder “%1”.</source>
        <translation>Impossible de créer le dossier «&#xa0;%1&#xa0;».</translation>
    </message>
    <message>
        <source>“%1” no longer matches its checksum: written anew.</source>
        <translation>«&#xa0;%1&#xa0;» ne correspond plus à sa somme de contrôle&#xa0;: réécrit.</translation>
    </message>
</context>
<context>
    <name>TreeComparison</name>
    <message>
        <source>Canceled.</source>
        <translation>Annulé.</translation>
    </message>
    <message>
        <source>Comparing %1 with %2…</source>
        <translation>Comparaison de %1 avec %2…</translation>
    </message>
</context>
<context>
    <name>VerifyJob</name>
    <message>
        <source>Checking the backup&apos;s files…</source>
        <translation>Vérification des fichiers de la sauvegarde…</translation>
    </message>
    <message>
        <source>The file “%1” of the backup cannot be read.</source>
        <translation>Le fichier «&#xa0;%1&#xa0;» de la sauvegarde ne peut pas être lu.</translation>
    </message>
    <message>
        <source>The check was canceled.</source>
        <translation>La vérification a été annulée.</translation>
    </message>
    <message>
        <source>The file “%1” is damaged: its checksum does not match the manifest. Nothing was changed.</source>
        <translation>Le fichier «&#xa0;%1&#xa0;» est endommagé&#xa0;: sa somme de contrôle ne correspond pas au manifeste. Rien n’a été modifié.</translation>
    </message>
    <message>
        <source>%1: checksum OK</source>
        <translation>%1&#xa0;: somme de contrôle correcte</translation>
    </message>
    <message>
        <source>The file “%1” is damaged: its size does not match the manifest.</source>
        <translation>Le fichier «&#xa0;%1&#xa0;» est endommagé&#xa0;: sa taille ne correspond pas au manifeste.</translation>
    </message>
    <message>
        <source>Canceled.</source>
        <translation>Annulé.</translation>
    </message>
</context>
<context>
    <name>ZstdFileReader</name>
    <message>
        <source>Cannot read “%1”.</source>
        <translation>Impossible de lire «&#xa0;%1&#xa0;».</translation>
    </message>
    <message>
        <source>Cannot decompress “%1”.</source>
        <translation>Impossible de décompresser «&#xa0;%1&#xa0;».</translation>
    </message>
    <message>
        <source>“%1” is damaged: it does not decompress.</source>
        <translation>«&#xa0;%1&#xa0;» est endommagé&#xa0;: la décompression échoue.</translation>
    </message>
    <message>
        <source>Cannot check “%1”.</source>
        <translation>Impossible de vérifier «&#xa0;%1&#xa0;».</translation>
    </message>
    <message>
        <source>Canceled.</source>
        <translation>Annulé.</translation>
    </message>
</context>
<context>
    <name>coffre::BackupTableModel</name>
    <message>
        <source>%L1 bytes</source>
        <translation>%L1 octets</translation>
    </message>
    <message>
        <source>Name</source>
        <translation>Nom</translation>
    </message>
    <message>
        <source>Date</source>
        <translation>Date</translation>
    </message>
    <message>
        <source>Size</source>
        <translation>Taille</translation>
    </message>
    <message>
        <source>Kind</source>
        <translation>Type</translation>
    </message>
    <message>
        <source>Contents</source>
        <translation>Contenu</translation>
    </message>
    <message>
        <source>Status</source>
        <translation>État</translation>
    </message>
    <message>
        <source>Manual</source>
        <translation>Manuelle</translation>
    </message>
    <message>
        <source>Scheduled</source>
        <translation>Planifiée</translation>
    </message>
    <message>
        <source>Safety copy</source>
        <translation>Copie de sécurité</translation>
    </message>
    <message>
        <source>Database</source>
        <translation>Base de données</translation>
    </message>
    <message>
        <source>bucket %1</source>
        <translation>compartiment %1</translation>
    </message>
    <message>
        <source>Complete</source>
        <translation>Complète</translation>
    </message>
    <message>
        <source>Incomplete</source>
        <translation>Incomplète</translation>
    </message>
    <message>
        <source>Damaged</source>
        <translation>Endommagée</translation>
    </message>
    <message>
        <source>warning</source>
        <translation>avertissement</translation>
    </message>
    <message>
        <source>Proven restorable by a drill on %1</source>
        <translation>Restauration prouvée par un exercice le %1</translation>
    </message>
    <message>
        <source>On this computer and off-site</source>
        <translation>Sur cet ordinateur et hors site</translation>
    </message>
    <message>
        <source>Off-site only (%1): fetched before a restore</source>
        <translation>Hors site seulement (%1)&#xa0;: récupérée avant une restauration</translation>
    </message>
    <message>
        <source>%1 · proven</source>
        <translation>%1 · prouvée</translation>
    </message>
    <message>
        <source>here</source>
        <translation>ici</translation>
    </message>
    <message>
        <source>off-site</source>
        <translation>hors site</translation>
    </message>
    <message>
        <source>here + off-site</source>
        <translation>ici + hors site</translation>
    </message>
    <message>
        <source>Where</source>
        <translation>Où</translation>
    </message>
</context>
<context>
    <name>coffre::BackupTransfers</name>
    <message>
        <source>Download %1 from %2 into…</source>
        <translation>Télécharger %1 depuis %2 dans…</translation>
    </message>
    <message>
        <source>Zip archive (*.zip)</source>
        <translation>Archive zip (*.zip)</translation>
    </message>
    <message>
        <source>Tar archive (*.tar)</source>
        <translation>Archive tar (*.tar)</translation>
    </message>
    <message>
        <source>Download %1</source>
        <translation>Télécharger %1</translation>
    </message>
    <message>
        <source>Download of %1</source>
        <translation>Téléchargement de %1</translation>
    </message>
    <message>
        <source>%1 saved to %2 (%3); every checksum was verified.</source>
        <translation>%1 enregistrée dans %2 (%3)&#xa0;; toutes les sommes de contrôle ont été vérifiées.</translation>
    </message>
    <message>
        <source>Download of %1 from %2</source>
        <translation>Téléchargement de %1 depuis %2</translation>
    </message>
    <message>
        <source>%1 copied into %2 (%3); every checksum was verified.</source>
        <translation>%1 copiée dans %2 (%3)&#xa0;; toutes les sommes de contrôle ont été vérifiées.</translation>
    </message>
    <message>
        <source>Upload a backup folder of this computer to %1</source>
        <translation>Envoyer sur %1 un dossier de sauvegarde de cet ordinateur</translation>
    </message>
    <message>
        <source>Import a backup</source>
        <translation>Importer une sauvegarde</translation>
    </message>
    <message>
        <source>Coffre backups (*.zip *.tar)</source>
        <translation>Sauvegardes Coffre (*.zip *.tar)</translation>
    </message>
    <message>
        <source>Upload</source>
        <translation>Envoi</translation>
    </message>
    <message>
        <source>%1 is not a complete backup: %2</source>
        <translation>%1 n’est pas une sauvegarde complète&#xa0;: %2</translation>
    </message>
    <message>
        <source>Upload of %1 to %2</source>
        <translation>Envoi de %1 sur %2</translation>
    </message>
    <message>
        <source>%1 uploaded to %2; the server checked every checksum.</source>
        <translation>%1 envoyée sur %2&#xa0;; le serveur a vérifié toutes les sommes de contrôle.</translation>
    </message>
    <message>
        <source>Import of %1</source>
        <translation>Import de %1</translation>
    </message>
    <message>
        <source>%1 imported (%2); every checksum was verified.</source>
        <translation>%1 importée (%2)&#xa0;; toutes les sommes de contrôle ont été vérifiées.</translation>
    </message>
</context>
<context>
    <name>coffre::BrowseDialog</name>
    <message>
        <source>Browse %1</source>
        <translation>Parcourir %1</translation>
    </message>
    <message>
        <source>&amp;Files</source>
        <translation>&amp;Fichiers</translation>
    </message>
    <message>
        <source>&amp;Database</source>
        <translation>Base de &amp;données</translation>
    </message>
    <message>
        <source>De&amp;tails</source>
        <translation>Dé&amp;tails</translation>
    </message>
    <message>
        <source>Find files by name or path (%1)</source>
        <translation>Chercher des fichiers par nom ou chemin (%1)</translation>
    </message>
    <message>
        <source>Reading the list of files…</source>
        <translation>Lecture de la liste des fichiers…</translation>
    </message>
    <message>
        <source>Select a file to see its first lines.</source>
        <translation>Sélectionnez un fichier pour voir ses premières lignes.</translation>
    </message>
    <message>
        <source>&amp;Extract…</source>
        <translation>E&amp;xtraire…</translation>
    </message>
    <message>
        <source>Copy the selected files or folders to a folder of your choice, without restoring anything</source>
        <translation>Copier les fichiers ou dossiers sélectionnés dans un dossier de votre choix, sans rien restaurer</translation>
    </message>
    <message>
        <source>&amp;Compare with current folders</source>
        <translation>&amp;Comparer avec les dossiers actuels</translation>
    </message>
    <message>
        <source>Files added, removed and changed in the profile&apos;s folders since this backup</source>
        <translation>Fichiers ajoutés, supprimés et modifiés dans les dossiers du profil depuis cette sauvegarde</translation>
    </message>
    <message>
        <source>Type</source>
        <translation>Type</translation>
    </message>
    <message>
        <source>Schema</source>
        <translation>Schéma</translation>
    </message>
    <message>
        <source>Name</source>
        <translation>Nom</translation>
    </message>
    <message>
        <source>Rows</source>
        <translation>Lignes</translation>
    </message>
    <message>
        <source>Owner</source>
        <translation>Propriétaire</translation>
    </message>
    <message numerus="yes">
        <source>%n file(s)</source>
        <translation>
            <numerusform>%n fichier</numerusform>
            <numerusform>%n fichiers</numerusform>
        </translation>
    </message>
    <message>
        <source>This backup holds no database.</source>
        <translation>Cette sauvegarde ne contient pas de base de données.</translation>
    </message>
    <message>
        <source>Reading the dump&apos;s table of contents…</source>
        <translation>Lecture de la table des matières du dump…</translation>
    </message>
    <message numerus="yes">
        <source>Database %1 (PostgreSQL %2, %3): %n object(s) in the dump; row counts as of the backup.</source>
        <translation>
            <numerusform>Base de données %1 (PostgreSQL %2, %3)&#xa0;: %n objet dans le dump&#xa0;; nombres de lignes au moment de la sauvegarde.</numerusform>
            <numerusform>Base de données %1 (PostgreSQL %2, %3)&#xa0;: %n objets dans le dump&#xa0;; nombres de lignes au moment de la sauvegarde.</numerusform>
        </translation>
    </message>
    <message>
        <source>The first %1 matches</source>
        <translation>Les %1 premiers résultats</translation>
    </message>
    <message numerus="yes">
        <source>%n match(es)</source>
        <translation>
            <numerusform>%n résultat</numerusform>
            <numerusform>%n résultats</numerusform>
        </translation>
    </message>
    <message>
        <source>Reading %1…</source>
        <translation>Lecture de %1…</translation>
    </message>
    <message>
        <source>“%1” is a binary file (%2): extract it to open it.</source>
        <translation>«&#xa0;%1&#xa0;» est un fichier binaire (%2)&#xa0;: extrayez-le pour l’ouvrir.</translation>
    </message>
    <message>
        <source>
[… only the first %1 of %2 is shown]</source>
        <translation>
[… seuls les premiers %1 sur %2 sont affichés]</translation>
    </message>
    <message>
        <source>Extract to</source>
        <translation>Extraire vers</translation>
    </message>
    <message>
        <source>Extracting…</source>
        <translation>Extraction…</translation>
    </message>
    <message numerus="yes">
        <source>Extracted %n item(s) to %1.</source>
        <translation>
            <numerusform>%n élément extrait vers %1.</numerusform>
            <numerusform>%n éléments extraits vers %1.</numerusform>
        </translation>
    </message>
    <message>
        <source>Comparing with the folders as they are now…</source>
        <translation>Comparaison avec les dossiers tels qu’ils sont maintenant…</translation>
    </message>
    <message>
        <source>Since %1: %2 added, %3 removed, %4 changed, %5 unchanged.</source>
        <translation>Depuis %1&#xa0;: %2 ajoutés, %3 supprimés, %4 modifiés, %5 inchangés.</translation>
    </message>
    <message>
        <source>Not compared, the folder is not there: %1.</source>
        <translation>Non comparé, le dossier n’existe pas&#xa0;: %1.</translation>
    </message>
    <message>
        <source>Added (%1)</source>
        <translation>Ajoutés (%1)</translation>
    </message>
    <message>
        <source>Removed (%1)</source>
        <translation>Supprimés (%1)</translation>
    </message>
    <message>
        <source>Changed (%1)</source>
        <translation>Modifiés (%1)</translation>
    </message>
    <message>
        <source>C&amp;hanges</source>
        <translation>&amp;Modifications</translation>
    </message>
</context>
<context>
    <name>coffre::CleanupDialog</name>
    <message>
        <source>Looking for the copies kept by the last restore…</source>
        <translation>Recherche des copies gardées par la dernière restauration…</translation>
    </message>
    <message>
        <source>Clean up before-restore copies — %1</source>
        <translation>Nettoyer les copies d’avant restauration — %1</translation>
    </message>
    <message>
        <source>Copy</source>
        <translation>Copie</translation>
    </message>
    <message>
        <source>Kind</source>
        <translation>Type</translation>
    </message>
    <message>
        <source>Size</source>
        <translation>Taille</translation>
    </message>
    <message>
        <source>&amp;Remove for good</source>
        <translation>&amp;Supprimer définitivement</translation>
    </message>
    <message>
        <source>The last restore left no copies.</source>
        <translation>La dernière restauration n’a laissé aucune copie.</translation>
    </message>
    <message>
        <source>database</source>
        <translation>base de données</translation>
    </message>
    <message>
        <source>folder</source>
        <translation>dossier</translation>
    </message>
    <message>
        <source>unknown</source>
        <translation>inconnue</translation>
    </message>
    <message>
        <source>The restore of %1 (%2) kept what it replaced. Removing these copies frees %3 and ends Undo for that restore: they cannot be brought back.</source>
        <translation>La restauration de %1 (%2) a gardé ce qu’elle a remplacé. Supprimer ces copies libère %3 et met fin à l’annulation de cette restauration&#xa0;: elles ne pourront pas être récupérées.</translation>
    </message>
</context>
<context>
    <name>coffre::CreateDialog</name>
    <message>
        <source>Create backup — %1</source>
        <translation>Créer une sauvegarde — %1</translation>
    </message>
    <message>
        <source>Letters, digits, &apos;-&apos;, &apos;_&apos; and &apos;.&apos;. Empty: the date and time.</source>
        <translation>Lettres, chiffres, &apos;-&apos;, &apos;_&apos; et &apos;.&apos;. Vide&#xa0;: la date et l’heure.</translation>
    </message>
    <message>
        <source>e.g. before the v2 migration</source>
        <translation>p. ex. avant la migration v2</translation>
    </message>
    <message>
        <source>Include</source>
        <translation>Inclure</translation>
    </message>
    <message>
        <source>Database %1</source>
        <translation>Base de données %1</translation>
    </message>
    <message>
        <source>Folder “%1” (%2)</source>
        <translation>Dossier «&#xa0;%1&#xa0;» (%2)</translation>
    </message>
    <message>
        <source>Also keep the database as plain &amp;SQL, for reading by eye</source>
        <translation>Conserver aussi la base de données en &amp;SQL brut, lisible directement</translation>
    </message>
    <message>
        <source>Compress with &amp;gzip instead of zstd (for old tools; slower)</source>
        <translation>Compresser avec &amp;gzip au lieu de zstd (pour les anciens outils&#xa0;; plus lent)</translation>
    </message>
    <message>
        <source>&amp;Name:</source>
        <translation>&amp;Nom&#xa0;:</translation>
    </message>
    <message>
        <source>N&amp;ote:</source>
        <translation>N&amp;ote&#xa0;:</translation>
    </message>
    <message>
        <source>&amp;Create</source>
        <translation>&amp;Créer</translation>
    </message>
    <message>
        <source>Choose at least one part to back up.</source>
        <translation>Choisissez au moins un élément à sauvegarder.</translation>
    </message>
    <message>
        <source>The name may use letters, digits, &apos;-&apos;, &apos;_&apos; and &apos;.&apos;, and may not start with &apos;.&apos;.</source>
        <translation>Le nom peut contenir des lettres, des chiffres, &apos;-&apos;, &apos;_&apos; et &apos;.&apos;, et ne peut pas commencer par &apos;.&apos;.</translation>
    </message>
</context>
<context>
    <name>coffre::FileTreeModel</name>
    <message>
        <source>Link to %1</source>
        <translation>Lien vers %1</translation>
    </message>
    <message>
        <source>Name</source>
        <translation>Nom</translation>
    </message>
    <message>
        <source>Size</source>
        <translation>Taille</translation>
    </message>
    <message>
        <source>Modified</source>
        <translation>Modifié</translation>
    </message>
</context>
<context>
    <name>coffre::HistoryDialog</name>
    <message>
        <source>History of %1</source>
        <translation>Historique de %1</translation>
    </message>
    <message>
        <source>Time</source>
        <translation>Date</translation>
    </message>
    <message>
        <source>Action</source>
        <translation>Action</translation>
    </message>
    <message>
        <source>Outcome</source>
        <translation>Résultat</translation>
    </message>
    <message>
        <source>Backup</source>
        <translation>Sauvegarde</translation>
    </message>
    <message>
        <source>Size</source>
        <translation>Taille</translation>
    </message>
    <message>
        <source>Took</source>
        <translation>Durée</translation>
    </message>
    <message>
        <source>By</source>
        <translation>Par</translation>
    </message>
    <message>
        <source>Message</source>
        <translation>Message</translation>
    </message>
    <message>
        <source>Every action</source>
        <translation>Toutes les actions</translation>
    </message>
    <message>
        <source>Any outcome</source>
        <translation>Tous les résultats</translation>
    </message>
    <message>
        <source>OK</source>
        <translation>OK</translation>
    </message>
    <message>
        <source>Failed</source>
        <translation>Échec</translation>
    </message>
    <message>
        <source>Canceled</source>
        <translation>Annulé</translation>
    </message>
    <message>
        <source>Filter: backup, user, message…</source>
        <translation>Filtrer&#xa0;: sauvegarde, utilisateur, message…</translation>
    </message>
    <message numerus="yes">
        <source>%1 of %n line(s)</source>
        <translation>
            <numerusform>%1 sur %n ligne</numerusform>
            <numerusform>%1 sur %n lignes</numerusform>
        </translation>
    </message>
    <message>
        <source>Reading the audit log…</source>
        <translation>Lecture du journal d’audit…</translation>
    </message>
    <message>
        <source>%1 (scheduled)</source>
        <translation>%1 (planifiée)</translation>
    </message>
    <message>
        <source>%1 s</source>
        <translation>%1&#xa0;s</translation>
    </message>
    <message>
        <source>%1 ms</source>
        <translation>%1&#xa0;ms</translation>
    </message>
</context>
<context>
    <name>coffre::JobLauncher</name>
    <message>
        <source>Database password</source>
        <translation>Mot de passe de la base de données</translation>
    </message>
    <message>
        <source>%1

Password for %2:</source>
        <translation>%1

Mot de passe pour %2&#xa0;:</translation>
    </message>
</context>
<context>
    <name>coffre::JobRow</name>
    <message>
        <source>Cancel</source>
        <translation>Annuler</translation>
    </message>
    <message>
        <source>Show log…</source>
        <translation>Afficher le journal…</translation>
    </message>
    <message>
        <source>Dismiss</source>
        <translation>Fermer</translation>
    </message>
    <message>
        <source>Canceling…</source>
        <translation>Annulation…</translation>
    </message>
    <message>
        <source>Log — %1</source>
        <translation>Journal — %1</translation>
    </message>
</context>
<context>
    <name>coffre::JobsPanel</name>
    <message>
        <source>Clear finished</source>
        <translation>Effacer les tâches terminées</translation>
    </message>
</context>
<context>
    <name>coffre::MainWindow</name>
    <message>
        <source>Coffre</source>
        <translation>Coffre</translation>
    </message>
    <message>
        <source>&amp;Create backup…</source>
        <translation>&amp;Créer une sauvegarde…</translation>
    </message>
    <message>
        <source>&amp;Restore…</source>
        <translation>&amp;Restaurer…</translation>
    </message>
    <message>
        <source>&amp;Delete…</source>
        <translation>Suppr&amp;imer…</translation>
    </message>
    <message>
        <source>Do&amp;wnload…</source>
        <translation>&amp;Télécharger…</translation>
    </message>
    <message>
        <source>&amp;Browse</source>
        <translation>Parc&amp;ourir</translation>
    </message>
    <message>
        <source>&amp;New profile…</source>
        <translation>&amp;Nouveau profil…</translation>
    </message>
    <message>
        <source>&amp;Edit profile…</source>
        <translation>&amp;Modifier le profil…</translation>
    </message>
    <message>
        <source>&amp;Filter</source>
        <translation>&amp;Filtrer</translation>
    </message>
    <message>
        <source>&amp;Quit</source>
        <translation>&amp;Quitter</translation>
    </message>
    <message>
        <source>Back up the database and the source folders of this profile now.</source>
        <translation>Sauvegarder maintenant la base de données et les dossiers sources de ce profil.</translation>
    </message>
    <message>
        <source>&amp;Backups</source>
        <translation>&amp;Sauvegardes</translation>
    </message>
    <message>
        <source>&amp;View</source>
        <translation>&amp;Affichage</translation>
    </message>
    <message>
        <source>&amp;Profile</source>
        <translation>&amp;Profil</translation>
    </message>
    <message>
        <source>&amp;Help</source>
        <translation>Aid&amp;e</translation>
    </message>
    <message>
        <source>&amp;About Coffre</source>
        <translation>À propos &amp;de Coffre</translation>
    </message>
    <message>
        <source>Main</source>
        <translation>Principale</translation>
    </message>
    <message>
        <source>The web application whose backups are shown</source>
        <translation>L’application web dont les sauvegardes sont affichées</translation>
    </message>
    <message>
        <source>Profile:</source>
        <translation>Profil&#xa0;:</translation>
    </message>
    <message>
        <source>Filter (%1)</source>
        <translation>Filtrer (%1)</translation>
    </message>
    <message>
        <source>&lt;h3&gt;No profile yet&lt;/h3&gt;&lt;p&gt;A profile names the database, the source folders and the backup folder of one web application.&lt;/p&gt;&lt;p&gt;&lt;a href=&quot;new-profile&quot;&gt;Create a profile…&lt;/a&gt;&lt;/p&gt;</source>
        <translation>&lt;h3&gt;Aucun profil pour l’instant&lt;/h3&gt;&lt;p&gt;Un profil désigne la base de données, les dossiers sources et le dossier des sauvegardes d’une application web.&lt;/p&gt;&lt;p&gt;&lt;a href=&quot;new-profile&quot;&gt;Créer un profil…&lt;/a&gt;&lt;/p&gt;</translation>
    </message>
    <message>
        <source>The backups cannot be listed</source>
        <translation>Impossible de lister les sauvegardes</translation>
    </message>
    <message numerus="yes">
        <source>&lt;h3&gt;No backup matches “%1”&lt;/h3&gt;&lt;p&gt;Clear the filter to see all %n backup(s).&lt;/p&gt;</source>
        <translation>
            <numerusform>&lt;h3&gt;Aucune sauvegarde ne correspond à «&#xa0;%1&#xa0;»&lt;/h3&gt;&lt;p&gt;Effacez le filtre pour afficher %n sauvegarde.&lt;/p&gt;</numerusform>
            <numerusform>&lt;h3&gt;Aucune sauvegarde ne correspond à «&#xa0;%1&#xa0;»&lt;/h3&gt;&lt;p&gt;Effacez le filtre pour afficher les %n sauvegardes.&lt;/p&gt;</numerusform>
        </translation>
    </message>
    <message>
        <source>Edit profile</source>
        <translation>Modifier le profil</translation>
    </message>
    <message>
        <source>New profile</source>
        <translation>Nouveau profil</translation>
    </message>
    <message>
        <source>A profile named “%1” already exists.</source>
        <translation>Un profil nommé «&#xa0;%1&#xa0;» existe déjà.</translation>
    </message>
    <message>
        <source>Profile</source>
        <translation>Profil</translation>
    </message>
    <message>
        <source>About Coffre</source>
        <translation>À propos de Coffre</translation>
    </message>
    <message>
        <source>&lt;h3&gt;Coffre %1&lt;/h3&gt;&lt;p&gt;Backs up and restores a web application: its PostgreSQL database, its source folders and its configuration.&lt;/p&gt;</source>
        <translation>&lt;h3&gt;Coffre %1&lt;/h3&gt;&lt;p&gt;Sauvegarde et restaure une application web&#xa0;: sa base de données PostgreSQL, ses dossiers sources et sa configuration.&lt;/p&gt;</translation>
    </message>
    <message>
        <source>Create backup</source>
        <translation>Créer une sauvegarde</translation>
    </message>
    <message>
        <source>Backup of “%1”</source>
        <translation>Sauvegarde de «&#xa0;%1&#xa0;»</translation>
    </message>
    <message>
        <source>%1 created: %2.</source>
        <translation>Sauvegarde %1 créée&#xa0;: %2.</translation>
    </message>
    <message>
        <source>Quit Coffre</source>
        <translation>Quitter Coffre</translation>
    </message>
    <message>
        <source>&amp;Undo last restore…</source>
        <translation>Annu&amp;ler la dernière restauration…</translation>
    </message>
    <message>
        <source>Restore of %1</source>
        <translation>Restauration de %1</translation>
    </message>
    <message>
        <source>%1 restored. The previous state is kept (…before_restore_%2); Undo puts it back.</source>
        <translation>Sauvegarde %1 restaurée. L’état précédent est conservé (…before_restore_%2)&#xa0;; «&#xa0;Annuler la dernière restauration&#xa0;» le rétablit.</translation>
    </message>
    <message>
        <source>%1 restored into the database “%2”.</source>
        <translation>Sauvegarde %1 restaurée dans la base de données «&#xa0;%2&#xa0;».</translation>
    </message>
    <message>
        <source>Undo last restore</source>
        <translation>Annuler la dernière restauration</translation>
    </message>
    <message>
        <source>Undo of the last restore</source>
        <translation>Annulation de la dernière restauration</translation>
    </message>
    <message>
        <source>The restore of %1 was undone.</source>
        <translation>La restauration de %1 a été annulée.</translation>
    </message>
    <message>
        <source>Interrupted restore</source>
        <translation>Restauration interrompue</translation>
    </message>
    <message>
        <source>A job is running. Cancel it and quit? Nothing half-written is kept.</source>
        <translation>Une tâche est en cours. L’annuler et quitter&#xa0;? Aucune donnée partiellement écrite n’est conservée.</translation>
    </message>
    <message numerus="yes">
        <source>Delete %n backup(s), %1 in all?</source>
        <translation>
            <numerusform>Supprimer %n sauvegarde, %1 au total&#xa0;?</numerusform>
            <numerusform>Supprimer %n sauvegardes, %1 au total&#xa0;?</numerusform>
        </translation>
    </message>
    <message>
        <source>Among them is a safety copy, made before a restore: it may be the only copy of the data as it was.</source>
        <translation>Parmi elles se trouve une copie de sécurité, faite avant une restauration&#xa0;: c’est peut-être la seule copie des données telles qu’elles étaient.</translation>
    </message>
    <message>
        <source>Delete backups</source>
        <translation>Supprimer des sauvegardes</translation>
    </message>
    <message>
        <source>&amp;Delete</source>
        <translation>&amp;Supprimer</translation>
    </message>
    <message numerus="yes">
        <source>Deleting %n backup(s)</source>
        <translation>
            <numerusform>Suppression de %n sauvegarde</numerusform>
            <numerusform>Suppression de %n sauvegardes</numerusform>
        </translation>
    </message>
    <message>
        <source>Deleted %1 (%2).</source>
        <translation>%1 supprimée(s) (%2).</translation>
    </message>
    <message>
        <source>&amp;Import…</source>
        <translation>&amp;Importer…</translation>
    </message>
    <message>
        <source>Save the selected backup as one .zip or .tar file, to hand over or copy elsewhere.</source>
        <translation>Enregistrer la sauvegarde sélectionnée en un seul fichier .zip ou .tar, pour la transmettre ou la copier ailleurs.</translation>
    </message>
    <message>
        <source>Add a backup saved with Download… to this profile&apos;s repository.</source>
        <translation>Ajouter une sauvegarde enregistrée avec Télécharger… au dépôt de ce profil.</translation>
    </message>
    <message>
        <source>Look inside the selected backup: files, database, details.</source>
        <translation>Voir le contenu de la sauvegarde sélectionnée&#xa0;: fichiers, base de données, détails.</translation>
    </message>
    <message>
        <source>&amp;Undo…</source>
        <translation>&amp;Annuler la restauration…</translation>
    </message>
    <message>
        <source>the database %1</source>
        <translation>la base de données %1</translation>
    </message>
    <message>
        <source>the folder %1</source>
        <translation>le dossier %1</translation>
    </message>
    <message>
        <source>Put back the database and folders as they were before the last restore?</source>
        <translation>Remettre la base de données et les dossiers dans l’état d’avant la dernière restauration&#xa0;?</translation>
    </message>
    <message>
        <source>The restored state is kept beside them (…undone_…).</source>
        <translation>L’état restauré est conservé à côté (…undone_…).</translation>
    </message>
    <message>
        <source>&amp;Undo the restore</source>
        <translation>&amp;Annuler la restauration</translation>
    </message>
    <message>
        <source>This restore is no longer the last one of the profile shown: only the last restore of a profile can be undone.</source>
        <translation>Cette restauration n’est plus la dernière du profil affiché&#xa0;: seule la dernière restauration d’un profil peut être annulée.</translation>
    </message>
    <message>
        <source>&amp;Refresh</source>
        <translation>Act&amp;ualiser</translation>
    </message>
    <message>
        <source>C&amp;lean up before-restore copies…</source>
        <translation>&amp;Nettoyer les copies d’avant restauration…</translation>
    </message>
    <message>
        <source>Remove for good what the last restore kept aside, to free space; this ends Undo.</source>
        <translation>Supprime définitivement ce que la dernière restauration a mis de côté, pour libérer de la place&#xa0;; l’annulation n’est alors plus possible.</translation>
    </message>
    <message>
        <source>&amp;Delete profile…</source>
        <translation>&amp;Supprimer le profil…</translation>
    </message>
    <message>
        <source>%1 on %2</source>
        <translation>%1 sur %2</translation>
    </message>
    <message>
        <source>Delete profile</source>
        <translation>Supprimer le profil</translation>
    </message>
    <message>
        <source>Cleanup of the copies kept by the restore of %1</source>
        <translation>Nettoyage des copies gardées par la restauration de %1</translation>
    </message>
    <message numerus="yes">
        <source>Removed %n copy(ies) kept by the restore of %1 (%2 freed).</source>
        <translation>
            <numerusform>%n copie gardée par la restauration de %1 supprimée (%2 libérés).</numerusform>
            <numerusform>%n copies gardées par la restauration de %1 supprimées (%2 libérés).</numerusform>
        </translation>
    </message>
    <message>
        <source>Copy &amp;off-site</source>
        <translation>Copier &amp;hors site</translation>
    </message>
    <message>
        <source>&amp;Fetch from off-site</source>
        <translation>&amp;Récupérer depuis le hors site</translation>
    </message>
    <message>
        <source>Delete off-site cop&amp;y…</source>
        <translation>Supprimer la cop&amp;ie hors site…</translation>
    </message>
    <message>
        <source>Send the selected backup to the off-site storage; every checksum is checked.</source>
        <translation>Envoyer la sauvegarde sélectionnée vers le stockage hors site&#xa0;; chaque somme de contrôle est vérifiée.</translation>
    </message>
    <message>
        <source>Bring the selected off-site backup into this computer&apos;s backup folder, verified.</source>
        <translation>Ramener la sauvegarde hors site sélectionnée dans le dossier des sauvegardes de cet ordinateur, vérifiée.</translation>
    </message>
    <message>
        <source>Clean up &amp;old backups…</source>
        <translation>Supprimer les &amp;anciennes sauvegardes…</translation>
    </message>
    <message>
        <source>Keep the last backups, one a day, a week, a month…: see what would go before anything is deleted.</source>
        <translation>Garder les dernières sauvegardes, une par jour, par semaine, par mois…&#xa0;: voir ce qui partirait avant toute suppression.</translation>
    </message>
    <message>
        <source>&amp;History…</source>
        <translation>&amp;Historique…</translation>
    </message>
    <message>
        <source>Every create, restore, delete… of this repository, by whom, and how it ended.</source>
        <translation>Chaque création, restauration, suppression… de ce dépôt, par qui, et comment elle s’est terminée.</translation>
    </message>
    <message>
        <source>&amp;Schedule…</source>
        <translation>&amp;Planification…</translation>
    </message>
    <message>
        <source>Back up this profile by itself, every day or week, even with the window closed.</source>
        <translation>Sauvegarder ce profil tout seul, chaque jour ou chaque semaine, même fenêtre fermée.</translation>
    </message>
    <message>
        <source>Off-&amp;site</source>
        <translation>&amp;Hors site</translation>
    </message>
    <message>
        <source>Which copies to show: on this computer, off-site, or both</source>
        <translation>Quelles copies afficher&#xa0;: sur cet ordinateur, hors site, ou les deux</translation>
    </message>
    <message>
        <source>Everywhere</source>
        <translation>Partout</translation>
    </message>
    <message>
        <source>Here</source>
        <translation>Ici</translation>
    </message>
    <message>
        <source>Off-site</source>
        <translation>Hors site</translation>
    </message>
    <message>
        <source>Off-site copies not listed: %1</source>
        <translation>Copies hors site non listées&#xa0;: %1</translation>
    </message>
    <message>
        <source>&lt;h3&gt;No backups yet&lt;/h3&gt;&lt;p&gt;Backups of this profile will be kept in &lt;tt&gt;%1&lt;/tt&gt;.&lt;/p&gt;&lt;p&gt;Press &lt;b&gt;Create backup&lt;/b&gt; (%2) to make the first one, or let them run by themselves: &lt;b&gt;Profile › Schedule…&lt;/b&gt;&lt;/p&gt;</source>
        <translation>&lt;h3&gt;Aucune sauvegarde pour l’instant&lt;/h3&gt;&lt;p&gt;Les sauvegardes de ce profil seront conservées dans &lt;tt&gt;%1&lt;/tt&gt;.&lt;/p&gt;&lt;p&gt;Appuyez sur &lt;b&gt;Créer une sauvegarde&lt;/b&gt; (%2) pour faire la première, ou laissez-les se faire automatiquement&#xa0;: &lt;b&gt;Profil › Planification…&lt;/b&gt;&lt;/p&gt;</translation>
    </message>
    <message numerus="yes">
        <source>Clean-up: %n old backup(s)</source>
        <translation>
            <numerusform>Nettoyage&#xa0;: %n ancienne sauvegarde</numerusform>
            <numerusform>Nettoyage&#xa0;: %n anciennes sauvegardes</numerusform>
        </translation>
    </message>
    <message numerus="yes">
        <source>Removed %n old backup(s): %1.</source>
        <translation>
            <numerusform>%n ancienne sauvegarde supprimée&#xa0;: %1.</numerusform>
            <numerusform>%n anciennes sauvegardes supprimées&#xa0;: %1.</numerusform>
        </translation>
    </message>
    <message>
        <source>Their off-site copies stay.</source>
        <translation>Leurs copies hors site restent.</translation>
    </message>
    <message>
        <source>Browse %1</source>
        <translation>Parcourir %1</translation>
    </message>
    <message>
        <source>%1 is off-site only (%2). Its files can be browsed once it is fetched to this computer, every checksum verified.</source>
        <translation>%1 est seulement hors site (%2). Ses fichiers pourront être parcourus une fois la sauvegarde récupérée sur cet ordinateur, chaque somme de contrôle vérifiée.</translation>
    </message>
    <message>
        <source>&amp;Fetch and browse</source>
        <translation>&amp;Récupérer et parcourir</translation>
    </message>
    <message>
        <source>Restore %1</source>
        <translation>Restaurer %1</translation>
    </message>
    <message>
        <source>%1 is off-site only. Fetch it (%2) into %3, verify every checksum, then choose what to restore?</source>
        <translation>%1 est seulement hors site. La récupérer (%2) dans %3, vérifier chaque somme de contrôle, puis choisir quoi restaurer&#xa0;?</translation>
    </message>
    <message>
        <source>Clean up old off-site &amp;copies…</source>
        <translation>Supprimer les anciennes &amp;copies hors site…</translation>
    </message>
    <message>
        <source>The off-site copies have their own rules: see what would go before anything is deleted.</source>
        <translation>Les copies hors site ont leurs propres règles&#xa0;: voyez ce qui partirait avant que rien ne soit supprimé.</translation>
    </message>
    <message>
        <source>Clean up old off-site copies</source>
        <translation>Supprimer les anciennes copies hors site</translation>
    </message>
    <message>
        <source>Undo the restore of %1 made at %2? This puts back as they were before it: %3.</source>
        <translation>Annuler la restauration de %1 faite le %2&#xa0;? Cela remet dans leur état d’avant&#xa0;: %3.</translation>
    </message>
</context>
<context>
    <name>coffre::NotifySettingsWidget</name>
    <message>
        <source>https://hooks.slack.com/services/…</source>
        <translation>https://hooks.slack.com/services/…</translation>
    </message>
    <message>
        <source>ops@example.org, oncall@example.org</source>
        <translation>ops@example.org, astreinte@example.org</translation>
    </message>
    <message>
        <source>Also when a scheduled backup &amp;succeeds</source>
        <translation>Aussi quand une sauvegarde planifiée &amp;réussit</translation>
    </message>
    <message>
        <source>never</source>
        <translation>jamais</translation>
    </message>
    <message>
        <source>Send a &amp;test</source>
        <translation>Envoyer un &amp;test</translation>
    </message>
    <message>
        <source>&amp;Webhook (JSON POST):</source>
        <translation>&amp;Webhook (POST JSON)&#xa0;:</translation>
    </message>
    <message>
        <source>&amp;Mail to:</source>
        <translation>&amp;Courriel à&#xa0;:</translation>
    </message>
    <message>
        <source>Warn when the &amp;disk is over:</source>
        <translation>Avertir quand le &amp;disque dépasse&#xa0;:</translation>
    </message>
    <message>
        <source>Scheduled backups and drills have nobody watching: their failures and warnings are sent here (mail through this machine&apos;s sendmail). The window also shows them as desktop notifications.</source>
        <translation>Personne ne surveille les sauvegardes et exercices planifiés&#xa0;: leurs échecs et avertissements sont envoyés ici (courriel par le sendmail de cette machine). La fenêtre les montre aussi en notifications de bureau.</translation>
    </message>
    <message>
        <source>Sent: check that it arrived.</source>
        <translation>Envoyé&#xa0;: vérifiez qu’il est bien arrivé.</translation>
    </message>
    <message>
        <source>Give a webhook or a mail address first.</source>
        <translation>Indiquez d’abord un webhook ou une adresse de courriel.</translation>
    </message>
    <message>
        <source>A test from the Coffre window: notifications of this profile reach you.</source>
        <translation>Un test depuis la fenêtre de Coffre&#xa0;: les notifications de ce profil vous parviennent.</translation>
    </message>
    <message>
        <source>Sending…</source>
        <translation>Envoi…</translation>
    </message>
    <message>
        <source>Warn when a part s&amp;hrank by over:</source>
        <translation>Avertir quand une partie a &amp;rétréci de plus de&#xa0;:</translation>
    </message>
</context>
<context>
    <name>coffre::OffsiteCopies</name>
    <message>
        <source>Off-site copy of %1</source>
        <translation>Copie hors site de %1</translation>
    </message>
    <message>
        <source>%1 copied to %2 (%3); every checksum matched.</source>
        <translation>%1 copiée vers %2 (%3)&#xa0;; chaque somme de contrôle concorde.</translation>
    </message>
    <message>
        <source>Fetch of %1 from %2</source>
        <translation>Récupération de %1 depuis %2</translation>
    </message>
    <message>
        <source>%1 fetched (%2); every checksum was verified.</source>
        <translation>%1 récupérée (%2)&#xa0;; chaque somme de contrôle a été vérifiée.</translation>
    </message>
    <message numerus="yes">
        <source>Delete the off-site copy of %n backup(s) from %1, %2 in all?</source>
        <translation>
            <numerusform>Supprimer la copie hors site de %n sauvegarde de %1, %2 au total&#xa0;?</numerusform>
            <numerusform>Supprimer les copies hors site de %n sauvegardes de %1, %2 au total&#xa0;?</numerusform>
        </translation>
    </message>
    <message>
        <source>Some of them are not on this computer: they will be gone for good.</source>
        <translation>Certaines ne sont pas sur cet ordinateur&#xa0;: elles disparaîtront pour de bon.</translation>
    </message>
    <message>
        <source>Delete off-site copies</source>
        <translation>Supprimer des copies hors site</translation>
    </message>
    <message>
        <source>&amp;Delete off-site</source>
        <translation>&amp;Supprimer hors site</translation>
    </message>
    <message numerus="yes">
        <source>Deleting %n off-site copy(ies)</source>
        <translation>
            <numerusform>Suppression de %n copie hors site</numerusform>
            <numerusform>Suppression de %n copies hors site</numerusform>
        </translation>
    </message>
    <message>
        <source>Deleted from %1: %2 (%3).</source>
        <translation>Supprimé de %1&#xa0;: %2 (%3).</translation>
    </message>
</context>
<context>
    <name>coffre::OffsiteSettingsWidget</name>
    <message>
        <source>AWS (or https://minio.example.org:9000, https://ACCOUNT.r2.cloudflarestorage.com)</source>
        <translation>AWS (ou https://minio.example.org:9000, https://COMPTE.r2.cloudflarestorage.com)</translation>
    </message>
    <message>
        <source>us-east-1, or AWS_REGION</source>
        <translation>us-east-1, ou AWS_REGION</translation>
    </message>
    <message>
        <source>empty: AWS_ACCESS_KEY_ID or ~/.aws/credentials</source>
        <translation>vide&#xa0;: AWS_ACCESS_KEY_ID ou ~/.aws/credentials</translation>
    </message>
    <message>
        <source>kept in the system keychain, never in the profile</source>
        <translation>gardé dans le trousseau du système, jamais dans le profil</translation>
    </message>
    <message>
        <source>only for a private server&apos;s own certificate</source>
        <translation>seulement pour le certificat propre d’un serveur privé</translation>
    </message>
    <message>
        <source>Choose…</source>
        <translation>Choisir…</translation>
    </message>
    <message>
        <source>CA certificates</source>
        <translation>Certificats d’autorité</translation>
    </message>
    <message>
        <source>PEM files (*.pem *.crt);;All files (*)</source>
        <translation>Fichiers PEM (*.pem *.crt);;Tous les fichiers (*)</translation>
    </message>
    <message>
        <source>&amp;Copy each new backup off-site, verified, as soon as it is made</source>
        <translation>&amp;Copier chaque nouvelle sauvegarde hors site, vérifiée, dès qu’elle est faite</translation>
    </message>
    <message>
        <source>s3://bucket/uploads: the application&apos;s uploaded files, kept with each backup</source>
        <translation>s3://compartiment/uploads&#xa0;: les fichiers déposés dans l’application, gardés avec chaque sauvegarde</translation>
    </message>
    <message>
        <source>&amp;Test</source>
        <translation>&amp;Tester</translation>
    </message>
    <message numerus="yes">
        <source>Reached %1: %n backup(s) there.</source>
        <translation>
            <numerusform>%1 atteint&#xa0;: %n sauvegarde.</numerusform>
            <numerusform>%1 atteint&#xa0;: %n sauvegardes.</numerusform>
        </translation>
    </message>
    <message>
        <source>A copy away from this disk survives its loss. Any S3 storage works: AWS, MinIO, Cloudflare R2, Scaleway…</source>
        <translation>Une copie loin de ce disque survit à sa perte. Tout stockage S3 convient&#xa0;: AWS, MinIO, Cloudflare R2, Scaleway…</translation>
    </message>
    <message>
        <source>Off-site &amp;address:</source>
        <translation>A&amp;dresse hors site&#xa0;:</translation>
    </message>
    <message>
        <source>&amp;Endpoint:</source>
        <translation>&amp;Point d’accès&#xa0;:</translation>
    </message>
    <message>
        <source>Re&amp;gion:</source>
        <translation>Ré&amp;gion&#xa0;:</translation>
    </message>
    <message>
        <source>Access &amp;key:</source>
        <translation>Clé d’&amp;accès&#xa0;:</translation>
    </message>
    <message>
        <source>&amp;Secret:</source>
        <translation>Sec&amp;ret&#xa0;:</translation>
    </message>
    <message>
        <source>CA fi&amp;le:</source>
        <translation>&amp;Fichier CA&#xa0;:</translation>
    </message>
    <message>
        <source>Docu&amp;ments bucket:</source>
        <translation>Compartiment des doc&amp;uments&#xa0;:</translation>
    </message>
    <message>
        <source>Give the off-site address first.</source>
        <translation>Donnez d’abord l’adresse hors site.</translation>
    </message>
    <message>
        <source>Connecting…</source>
        <translation>Connexion…</translation>
    </message>
</context>
<context>
    <name>coffre::ProfileDialog</name>
    <message>
        <source>New profile</source>
        <translation>Nouveau profil</translation>
    </message>
    <message>
        <source>Edit profile “%1”</source>
        <translation>Modifier le profil «&#xa0;%1&#xa0;»</translation>
    </message>
    <message>
        <source>e.g. shop-production</source>
        <translation>p. ex. shop-production</translation>
    </message>
    <message>
        <source>&amp;Database</source>
        <translation>&amp;Base de données</translation>
    </message>
    <message>
        <source>&amp;Backups</source>
        <translation>Sauv&amp;egardes</translation>
    </message>
    <message>
        <source>Profile &amp;name:</source>
        <translation>&amp;Nom du profil&#xa0;:</translation>
    </message>
    <message>
        <source>localhost, a server name, or a socket folder</source>
        <translation>localhost, un nom de serveur ou un dossier de socket</translation>
    </message>
    <message>
        <source>default (5432)</source>
        <translation>par défaut (5432)</translation>
    </message>
    <message>
        <source>default</source>
        <translation>par défaut</translation>
    </message>
    <message>
        <source>optional: a section of pg_service.conf</source>
        <translation>facultatif&#xa0;: une section de pg_service.conf</translation>
    </message>
    <message>
        <source>kept in the system keychain</source>
        <translation>enregistré dans le trousseau du système</translation>
    </message>
    <message>
        <source>empty: use ~/.pgpass</source>
        <translation>vide&#xa0;: utilise ~/.pgpass</translation>
    </message>
    <message>
        <source>Remember in the system &amp;keychain</source>
        <translation>Mémoriser dans le &amp;trousseau du système</translation>
    </message>
    <message>
        <source>&amp;Test connection</source>
        <translation>Tester la &amp;connexion</translation>
    </message>
    <message>
        <source>&amp;Host:</source>
        <translation>&amp;Hôte&#xa0;:</translation>
    </message>
    <message>
        <source>&amp;Port:</source>
        <translation>&amp;Port&#xa0;:</translation>
    </message>
    <message>
        <source>&amp;User:</source>
        <translation>&amp;Utilisateur&#xa0;:</translation>
    </message>
    <message>
        <source>SS&amp;L mode:</source>
        <translation>Mode SS&amp;L&#xa0;:</translation>
    </message>
    <message>
        <source>Ser&amp;vice:</source>
        <translation>Ser&amp;vice&#xa0;:</translation>
    </message>
    <message>
        <source>Pass&amp;word:</source>
        <translation>&amp;Mot de passe&#xa0;:</translation>
    </message>
    <message>
        <source>Label</source>
        <translation>Libellé</translation>
    </message>
    <message>
        <source>Folder</source>
        <translation>Dossier</translation>
    </message>
    <message>
        <source>&amp;Add folder…</source>
        <translation>&amp;Ajouter un dossier…</translation>
    </message>
    <message>
        <source>&amp;Remove</source>
        <translation>&amp;Retirer</translation>
    </message>
    <message>
        <source>Left out of every backup (one name or pattern per line):</source>
        <translation>Exclus de toutes les sauvegardes (un nom ou un motif par ligne)&#xa0;:</translation>
    </message>
    <message>
        <source>Bro&amp;wse…</source>
        <translation>Parc&amp;ourir…</translation>
    </message>
    <message>
        <source>Backup folder</source>
        <translation>Dossier des sauvegardes</translation>
    </message>
    <message>
        <source>Backup &amp;folder:</source>
        <translation>Dossier des sauve&amp;gardes&#xa0;:</translation>
    </message>
    <message>
        <source>After a restore, &amp;run:</source>
        <translation>Après une restauration, e&amp;xécuter&#xa0;:</translation>
    </message>
    <message>
        <source>Source folder</source>
        <translation>Dossier source</translation>
    </message>
    <message>
        <source>Connecting…</source>
        <translation>Connexion…</translation>
    </message>
    <message>
        <source>Connected: PostgreSQL %1, database “%2” (%3) as “%4”.</source>
        <translation>Connecté&#xa0;: PostgreSQL %1, base de données «&#xa0;%2&#xa0;» (%3) en tant que «&#xa0;%4&#xa0;».</translation>
    </message>
    <message>
        <source>S&amp;ource folders</source>
        <translation>Dossiers &amp;sources</translation>
    </message>
    <message>
        <source>This &amp;computer</source>
        <translation>Cet &amp;ordinateur</translation>
    </message>
    <message>
        <source>A s&amp;erver, over SSH</source>
        <translation>Un s&amp;erveur, par SSH</translation>
    </message>
    <message>
        <source>The application runs on:</source>
        <translation>L’application tourne sur&#xa0;:</translation>
    </message>
    <message>
        <source>optional: paste postgresql://user:password@host:5432/database</source>
        <translation>facultatif&#xa0;: collez postgresql://utilisateur:motdepasse@hôte:5432/base</translation>
    </message>
    <message>
        <source>Fill &amp;in</source>
        <translation>&amp;Remplir</translation>
    </message>
    <message>
        <source>DATABASE_U&amp;RL:</source>
        <translation>DATABASE_U&amp;RL&#xa0;:</translation>
    </message>
    <message>
        <source>Dat&amp;abase:</source>
        <translation>Base de &amp;données&#xa0;:</translation>
    </message>
    <message>
        <source>Off-s&amp;ite</source>
        <translation>Hors s&amp;ite</translation>
    </message>
    <message>
        <source>&amp;Notifications</source>
        <translation>&amp;Notifications</translation>
    </message>
</context>
<context>
    <name>coffre::RepositoryStatusBar</name>
    <message numerus="yes">
        <source>%n backup(s), %1</source>
        <translation>
            <numerusform>%n sauvegarde, %1</numerusform>
            <numerusform>%n sauvegardes, %1</numerusform>
        </translation>
    </message>
    <message>
        <source>%1 free (%2 % used)</source>
        <translation>%1 libres (%2&#xa0;% utilisés)</translation>
    </message>
    <message>
        <source>The disk holding the backups is %1 % full. Delete old backups or move the repository before a backup fails for lack of space.</source>
        <translation>Le disque des sauvegardes est plein à %1&#xa0;%. Supprimez d’anciennes sauvegardes ou déplacez le dépôt avant qu’une sauvegarde n’échoue faute de place.</translation>
    </message>
    <message>
        <source>No profile</source>
        <translation>Aucun profil</translation>
    </message>
    <message numerus="yes">
        <source>Off-site: %n backup(s), %1</source>
        <translation>
            <numerusform>Hors site&#xa0;: %n sauvegarde, %1</numerusform>
            <numerusform>Hors site&#xa0;: %n sauvegardes, %1</numerusform>
        </translation>
    </message>
</context>
<context>
    <name>coffre::RestoreDialog</name>
    <message>
        <source>Restore %1</source>
        <translation>Restaurer %1</translation>
    </message>
    <message>
        <source>&lt;b&gt;%1&lt;/b&gt;, made on %2 (%3)%4</source>
        <translation>&lt;b&gt;%1&lt;/b&gt;, créée le %2 (%3)%4</translation>
    </message>
    <message>
        <source>Restore</source>
        <translation>Restaurer</translation>
    </message>
    <message numerus="yes">
        <source>The database (%n table(s))</source>
        <translation>
            <numerusform>La base de données (%n table)</numerusform>
            <numerusform>La base de données (%n tables)</numerusform>
        </translation>
    </message>
    <message>
        <source>under another name, for inspection:</source>
        <translation>sous un autre nom, pour examen&#xa0;:</translation>
    </message>
    <message numerus="yes">
        <source>The folder “%1” into %2 (%n file(s))</source>
        <translation>
            <numerusform>Le dossier «&#xa0;%1&#xa0;» dans %2 (%n fichier)</numerusform>
            <numerusform>Le dossier «&#xa0;%1&#xa0;» dans %2 (%n fichiers)</numerusform>
        </translation>
    </message>
    <message>
        <source>Keep what is replaced, beside it (…before_restore_…), for Undo</source>
        <translation>Conserver ce qui est remplacé, à côté (…before_restore_…), pour pouvoir annuler</translation>
    </message>
    <message>
        <source>Coffre never overwrites: the current database and folders are renamed, not deleted.</source>
        <translation>Coffre n’écrase jamais rien&#xa0;: la base de données et les dossiers actuels sont renommés, pas supprimés.</translation>
    </message>
    <message>
        <source>Measuring what will be replaced…</source>
        <translation>Évaluation de ce qui sera remplacé…</translation>
    </message>
    <message>
        <source>&amp;Restore</source>
        <translation>&amp;Restaurer</translation>
    </message>
    <message>
        <source>Will be replaced</source>
        <translation>Ce qui sera remplacé</translation>
    </message>
    <message numerus="yes">
        <source>The uploaded documents into %1 (%n object(s))</source>
        <translation>
            <numerusform>Les documents déposés dans %1 (%n objet)</numerusform>
            <numerusform>Les documents déposés dans %1 (%n objets)</numerusform>
        </translation>
    </message>
    <message>
        <source>and remove the documents added since the backup (listed below)</source>
        <translation>et supprimer les documents ajoutés depuis la sauvegarde (listés plus bas)</translation>
    </message>
    <message>
        <source>&lt;b&gt;This replaces what is ticked above with the backup&apos;s.&lt;/b&gt; Sessions open on the database are ended. Stop the application first if you can. Type &lt;b&gt;OUI&lt;/b&gt; (yes, in French) to confirm.</source>
        <translation>&lt;b&gt;Ce qui est coché ci-dessus sera remplacé par le contenu de la sauvegarde.&lt;/b&gt; Les sessions ouvertes sur la base de données seront fermées. Arrêtez d’abord l’application si possible. Tapez &lt;b&gt;OUI&lt;/b&gt; pour confirmer.</translation>
    </message>
    <message>
        <source>&lt;b&gt;This replaces what is ticked above with the backup&apos;s.&lt;/b&gt; Stop the application first if you can. Type &lt;b&gt;OUI&lt;/b&gt; (yes, in French) to confirm.</source>
        <translation>&lt;b&gt;Ce qui est coché ci-dessus sera remplacé par le contenu de la sauvegarde.&lt;/b&gt; Arrêtez d’abord l’application si possible. Tapez &lt;b&gt;OUI&lt;/b&gt; pour confirmer.</translation>
    </message>
    <message>
        <source>&lt;b&gt;The backup&apos;s database goes into a new database, “%1”: nothing current is replaced.&lt;/b&gt; Type &lt;b&gt;OUI&lt;/b&gt; (yes, in French) to confirm.</source>
        <translation>&lt;b&gt;La base de données de la sauvegarde va dans une nouvelle base, «&#xa0;%1&#xa0;»&#xa0;: rien d’actuel n’est remplacé.&lt;/b&gt; Tapez &lt;b&gt;OUI&lt;/b&gt; pour confirmer.</translation>
    </message>
</context>
<context>
    <name>coffre::RetentionDialog</name>
    <message>
        <source>Clean up old backups</source>
        <translation>Supprimer les anciennes sauvegardes</translation>
    </message>
    <message>
        <source>Keep the &amp;last:</source>
        <translation>Garder les &amp;dernières&#xa0;:</translation>
    </message>
    <message>
        <source>One a &amp;day, for the last N days:</source>
        <translation>Une par &amp;jour, pour les N derniers jours&#xa0;:</translation>
    </message>
    <message>
        <source>One a &amp;week, for the last N weeks:</source>
        <translation>Une par s&amp;emaine, pour les N dernières semaines&#xa0;:</translation>
    </message>
    <message>
        <source>One a &amp;month, for the last N months:</source>
        <translation>Une par &amp;mois, pour les N derniers mois&#xa0;:</translation>
    </message>
    <message>
        <source>One a &amp;year, for the last N years:</source>
        <translation>Une par &amp;an, pour les N dernières années&#xa0;:</translation>
    </message>
    <message>
        <source>Never fewer &amp;than:</source>
        <translation>Jamais moins &amp;que&#xa0;:</translation>
    </message>
    <message>
        <source>Backup</source>
        <translation>Sauvegarde</translation>
    </message>
    <message>
        <source>Date</source>
        <translation>Date</translation>
    </message>
    <message>
        <source>Size</source>
        <translation>Taille</translation>
    </message>
    <message>
        <source>Decision</source>
        <translation>Décision</translation>
    </message>
    <message>
        <source>&amp;Save these rules in the profile (scheduled backups apply them)</source>
        <translation>Enregi&amp;strer ces règles dans le profil (les sauvegardes planifiées les appliquent)</translation>
    </message>
    <message>
        <source>&amp;Remove</source>
        <translation>Supp&amp;rimer</translation>
    </message>
    <message>
        <source>stays: %1</source>
        <translation>reste&#xa0;: %1</translation>
    </message>
    <message>
        <source>goes: %1</source>
        <translation>part&#xa0;: %1</translation>
    </message>
    <message>
        <source>No rule: every backup stays.</source>
        <translation>Aucune règle&#xa0;: toutes les sauvegardes restent.</translation>
    </message>
    <message numerus="yes">
        <source>&amp;Remove %n backup(s)</source>
        <translation>
            <numerusform>Supp&amp;rimer %n sauvegarde</numerusform>
            <numerusform>Supp&amp;rimer %n sauvegardes</numerusform>
        </translation>
    </message>
    <message>
        <source>&amp;Save the rules</source>
        <translation>Enregistrer les &amp;règles</translation>
    </message>
    <message numerus="yes">
        <source>%n backup(s) go; %1 freed.</source>
        <translation>
            <numerusform>%n sauvegarde part&#xa0;; %1 libérés.</numerusform>
            <numerusform>%n sauvegardes partent&#xa0;; %1 libérés.</numerusform>
        </translation>
    </message>
    <message numerus="yes">
        <source>%n backup(s) stay.</source>
        <translation>
            <numerusform>%n sauvegarde reste.</numerusform>
            <numerusform>%n sauvegardes restent.</numerusform>
        </translation>
    </message>
</context>
<context>
    <name>coffre::RunNotifications</name>
    <message>
        <source>Scheduled backup of %1 failed</source>
        <translation>Échec de la sauvegarde planifiée de %1</translation>
    </message>
    <message>
        <source>Scheduled backup of %1 made, with warnings</source>
        <translation>Sauvegarde planifiée de %1 effectuée, avec des avertissements</translation>
    </message>
    <message>
        <source>Scheduled backup of %1 made</source>
        <translation>Sauvegarde planifiée de %1 effectuée</translation>
    </message>
    <message>
        <source>Backup %1 of %2 looks wrong</source>
        <translation>La sauvegarde %1 de %2 semble anormale</translation>
    </message>
    <message>
        <source>Coffre: a job of %1 failed</source>
        <translation>Coffre&#xa0;: une tâche de %1 a échoué</translation>
    </message>
</context>
<context>
    <name>coffre::ScheduleDialog</name>
    <message>
        <source>Schedule of %1</source>
        <translation>Planification de %1</translation>
    </message>
    <message>
        <source>&amp;Not scheduled</source>
        <translation>&amp;Non planifié</translation>
    </message>
    <message>
        <source>Every &amp;hour, on the hour</source>
        <translation>Toutes les &amp;heures, à l’heure pile</translation>
    </message>
    <message>
        <source>Every &amp;day at</source>
        <translation>Tous les &amp;jours à</translation>
    </message>
    <message>
        <source>Every &amp;week on</source>
        <translation>Chaque &amp;semaine, le</translation>
    </message>
    <message>
        <source>The server runs the backup itself, with its own coffre-cli, then removes the backups its retention lets go.</source>
        <translation>Le serveur lance lui-même la sauvegarde, avec son propre coffre-cli, puis supprime les sauvegardes que sa rétention laisse partir.</translation>
    </message>
    <message>
        <source>This computer runs the backup with coffre-cli, even with the window closed, then removes the backups the retention lets go.</source>
        <translation>Cet ordinateur lance la sauvegarde avec coffre-cli, même fenêtre fermée, puis supprime les sauvegardes que la rétention laisse partir.</translation>
    </message>
    <message>
        <source>A run missed while the machine was off happens when it starts again (a systemd timer; cron where there is no systemd).</source>
        <translation>Une exécution manquée pendant que la machine était éteinte a lieu à son redémarrage (un timer systemd&#xa0;; cron là où systemd est absent).</translation>
    </message>
    <message>
        <source>%1 is backed up %2.</source>
        <translation>Le profil %1 est sauvegardé %2.</translation>
    </message>
    <message>
        <source>%1 is no longer scheduled.</source>
        <translation>Le profil %1 n’est plus planifié.</translation>
    </message>
    <message>
        <source>To finish, run this in a terminal of %1:</source>
        <translation>Pour terminer, exécutez ceci dans un terminal de %1&#xa0;:</translation>
    </message>
    <message>
        <source>Then prove the latest backup &amp;restorable (a restore drill) every</source>
        <translation>Puis prouver la sauvegarde la plus récente &amp;restaurable (un exercice de restauration) tous les</translation>
    </message>
    <message>
        <source> days</source>
        <translation> jours</translation>
    </message>
    <message>
        <source>Then %1.</source>
        <translation>Puis %1.</translation>
    </message>
</context>
<context>
    <name>coffre::ScheduleStatus</name>
    <message>
        <source>Scheduled %1</source>
        <translation>Planifié %1</translation>
    </message>
    <message>
        <source>Not scheduled</source>
        <translation>Non planifié</translation>
    </message>
    <message>
        <source>OK</source>
        <translation>OK</translation>
    </message>
    <message>
        <source>OK with warnings</source>
        <translation>OK avec avertissements</translation>
    </message>
    <message>
        <source>canceled</source>
        <translation>annulée</translation>
    </message>
    <message>
        <source>FAILED</source>
        <translation>ÉCHEC</translation>
    </message>
    <message>
        <source>last: %1 %2</source>
        <translation>dernière&#xa0;: %1 %2</translation>
    </message>
    <message>
        <source>next: %1</source>
        <translation>prochaine&#xa0;: %1</translation>
    </message>
    <message>
        <source>Backups of %1 run by themselves %2 (coffre-cli --profile %1 schedule show).</source>
        <translation>Les sauvegardes de %1 se font automatiquement %2 (coffre-cli --profile %1 schedule show).</translation>
    </message>
    <message>
        <source>Profile › Schedule…, or coffre-cli --profile %1 schedule set --daily 02:30, makes backups run by themselves.</source>
        <translation>Profil › Planification…, ou coffre-cli --profile %1 schedule set --daily 02:30, rend les sauvegardes automatiques.</translation>
    </message>
    <message>
        <source>Last run: %1</source>
        <translation>Dernière exécution&#xa0;: %1</translation>
    </message>
</context>
<context>
    <name>coffre::ServerSettingsWidget</name>
    <message>
        <source>user@host, or a Host of ~/.ssh/config</source>
        <translation>utilisateur@hôte, ou un Host de ~/.ssh/config</translation>
    </message>
    <message>
        <source>default (22, or as in ~/.ssh/config)</source>
        <translation>par défaut (22, ou selon ~/.ssh/config)</translation>
    </message>
    <message>
        <source>optional: ssh&apos;s own choice (agent, ~/.ssh/config)</source>
        <translation>facultatif&#xa0;: le choix de ssh (agent, ~/.ssh/config)</translation>
    </message>
    <message>
        <source>Choose a &amp;file…</source>
        <translation>Choisir un &amp;fichier…</translation>
    </message>
    <message>
        <source>optional: the only profile there</source>
        <translation>facultatif&#xa0;: son seul profil</translation>
    </message>
    <message>
        <source>&amp;Test connection</source>
        <translation>&amp;Tester la connexion</translation>
    </message>
    <message>
        <source>SSH &amp;key file:</source>
        <translation>Fichier de &amp;clé SSH&#xa0;:</translation>
    </message>
    <message>
        <source>The server</source>
        <translation>Le serveur</translation>
    </message>
    <message>
        <source>SSH &amp;destination:</source>
        <translation>&amp;Destination SSH&#xa0;:</translation>
    </message>
    <message>
        <source>SSH p&amp;ort:</source>
        <translation>P&amp;ort SSH&#xa0;:</translation>
    </message>
    <message>
        <source>Profile on the ser&amp;ver:</source>
        <translation>Profil sur le ser&amp;veur&#xa0;:</translation>
    </message>
    <message>
        <source>coffre-cli &amp;path on the server:</source>
        <translation>Che&amp;min de coffre-cli sur le serveur&#xa0;:</translation>
    </message>
    <message>
        <source>SSH key file</source>
        <translation>Fichier de clé SSH</translation>
    </message>
    <message>
        <source>Give the SSH destination first.</source>
        <translation>Donnez d’abord la destination SSH.</translation>
    </message>
    <message>
        <source>Connecting to %1…</source>
        <translation>Connexion à %1…</translation>
    </message>
    <message>
        <source>Connected: coffre-cli %1 on %2.</source>
        <translation>Connecté&#xa0;: coffre-cli %1 sur %2.</translation>
    </message>
    <message>
        <source>Reading the host key of %1…</source>
        <translation>Lecture de la clé d’hôte de %1…</translation>
    </message>
    <message>
        <source>Not connected: the host key of %1 was not trusted.</source>
        <translation>Non connecté&#xa0;: la clé d’hôte de %1 n’a pas été approuvée.</translation>
    </message>
    <message>
        <source>The authenticity of %1 (%2) cannot be established yet.</source>
        <translation>L’authenticité de %1 (%2) ne peut pas encore être établie.</translation>
    </message>
    <message>
        <source>Unknown server</source>
        <translation>Serveur inconnu</translation>
    </message>
    <message>
        <source>Compare with the fingerprint the server&apos;s administrator gives you, or with what this prints on the server:</source>
        <translation>Comparez avec l’empreinte que vous donne l’administrateur du serveur, ou avec ce qu’affiche cette commande sur le serveur&#xa0;:</translation>
    </message>
    <message>
        <source>Trust this server?</source>
        <translation>Faire confiance à ce serveur&#xa0;?</translation>
    </message>
</context>
<context>
    <name>main</name>
    <message>
        <source>Back up and restore a web application.</source>
        <translation>Sauvegarder et restaurer une application web.</translation>
    </message>
    <message>
        <source>Open this profile.</source>
        <translation>Ouvrir ce profil.</translation>
    </message>
    <message>
        <source>Save a picture of the window and quit.</source>
        <translation>Enregistrer une capture de la fenêtre et quitter.</translation>
    </message>
    <message>
        <source>With --screenshot: picture this dialog (create, restore, undo, browse, history, profile, profile-offsite, schedule, retention).</source>
        <translation>Avec --screenshot&#xa0;: photographier cette boîte de dialogue (create, restore, undo, browse, history, profile, profile-offsite, schedule, retention).</translation>
    </message>
    <message>
        <source>No profile is named “%1”.</source>
        <translation>Aucun profil ne s’appelle «&#xa0;%1&#xa0;».</translation>
    </message>
</context>
</TS>

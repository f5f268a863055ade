<?xml version="1.0" encoding="utf-8"?>
<!DOCTYPE TS>
<TS version="2.1" language="en" sourcelanguage="en">
<context>
    <name>ArchiveReader</name>
    <message>
        <source>The archive “%1” is damaged or truncated.</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>The archive “%1” cannot be opened.</source>
        <translation type="unfinished"></translation>
    </message>
</context>
<context>
    <name>AtomicFile</name>
    <message>
        <source>Could not write “%1”.</source>
        <translation type="unfinished"></translation>
    </message>
</context>
<context>
    <name>AuditLog</name>
    <message>
        <source>No repository to keep the audit log in.</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>The audit log %1 cannot be written.</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>The audit log %1 cannot be read.</source>
        <translation type="unfinished"></translation>
    </message>
</context>
<context>
    <name>AwsEnvironment</name>
    <message>
        <source>&quot;%1&quot; is not an endpoint address: write https://host[:port].</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>No secret is known for the access key %1: save it with the profile (it goes to the system keychain), or set AWS_SECRET_ACCESS_KEY, or put it in ~/.aws/credentials.</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>No S3 credentials: give an access key with the profile, or set AWS_ACCESS_KEY_ID and AWS_SECRET_ACCESS_KEY, or put them in ~/.aws/credentials.</source>
        <translation type="unfinished"></translation>
    </message>
</context>
<context>
    <name>Backup</name>
    <message>
        <source>The backup “%1” is %2: %3</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>complete</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>incomplete</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>damaged</source>
        <translation type="unfinished"></translation>
    </message>
</context>
<context>
    <name>BackupDescription</name>
    <message>
        <source>  status: %1</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>  size: %1</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>  kind: %1, made on %2 by Coffre %3 on %4 (profile %5), in %6 s</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>  note: %1</source>
        <translation type="unfinished"></translation>
    </message>
    <message numerus="yes">
        <source>  database %1: PostgreSQL %2, pg_dump %3, %4, %n table(s)</source>
        <translation>
            <numerusform>  database %1: PostgreSQL %2, pg_dump %3, %4, %n table</numerusform>
            <numerusform>  database %1: PostgreSQL %2, pg_dump %3, %4, %n tables</numerusform>
        </translation>
    </message>
    <message numerus="yes">
        <source>  folder %1 (%2): %n file(s), %3</source>
        <translation>
            <numerusform>  folder %1 (%2): %n file, %3</numerusform>
            <numerusform>  folder %1 (%2): %n files, %3</numerusform>
        </translation>
    </message>
    <message>
        <source>  files:</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>    deleted while the backup ran, so not in it: %1</source>
        <translation type="unfinished"></translation>
    </message>
</context>
<context>
    <name>BackupFiles</name>
    <message>
        <source>Reading the list of %1…</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>Canceled.</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>“%1” is not a file of the backup “%2”.</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>“%1” is not a file: it has no content to show.</source>
        <translation type="unfinished"></translation>
    </message>
</context>
<context>
    <name>BackupJob</name>
    <message>
        <source>Backup %1 complete.</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>The backup was canceled.</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>Checking…</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>Choose at least one part to back up.</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>The profile names no database.</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>The profile names no source folder.</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>The backup folder “%1” cannot be created.</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>Not enough free space in “%1”: about %2 are needed and %3 are free.</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>The backup folder cannot be created in “%1”.</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>“%1” is not a valid backup name: use letters, digits, &apos;-&apos;, &apos;_&apos; and &apos;.&apos;.</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>A backup named “%1” already exists.</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>Backing up…</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>Could not count the rows of %1.%2.</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>Writing the manifest…</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>The database settings were not recorded: %1</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>%1: %2 of %3 packs unchanged since an earlier backup, linked rather than written (%4).</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>The Prisma migrations were not recorded: %1</source>
        <translation type="unfinished"></translation>
    </message>
</context>
<context>
    <name>BackupSite</name>
    <message>
        <source>These backups are on this computer already.</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>Download copies this backup into a folder of this computer.</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>Import sends a backup folder of this computer.</source>
        <translation type="unfinished"></translation>
    </message>
</context>
<context>
    <name>BackupWarnings</name>
    <message>
        <source>The database dump is %1 % smaller than in %2 (%3 → %4).</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>Empty or gone since: %1.</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>The folder %1 holds %2 % less than in %3 (%4 in %5 files → %6 in %7 files): was its disk mounted?</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>The disk holding the backups is %1 % full (%2 free; the warning starts at %3 %).</source>
        <translation type="unfinished"></translation>
    </message>
</context>
<context>
    <name>BrowseCommands</name>
    <message>
        <source>Name the backup.</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>“%1” is a binary file (%2): use extract to get it.</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>(the first %1 of %2 shown; use extract for the whole file)</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>Name one backup; give the folder with --path.</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>“%1” is not in the backup %2.</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>TYPE</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>SIZE</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>MODIFIED</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>NAME</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>Name the files or folders to extract, and the folder to put them in with --to.</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>Not compared, the folder is not there: %1</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>%1 added, %2 removed, %3 changed, %4 unchanged since %5.</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>The folder or file inside the backup, starting with the source&apos;s label (backend/src). Without it: the sources.</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>Copy files or folders out of a backup, without restoring it.</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>The folder to put them in (each under its own name).</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>SCHEMA</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>OWNER</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>ROWS</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>List a folder of a backup&apos;s source archives, print one of its text files, or list its database objects.</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>List the objects of the backup&apos;s database dump instead (tables with their rows).</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>--tree answers in JSON only: give --json.</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>With --json: every entry of every source, for a desktop&apos;s Browse.</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>Files added, removed and changed in the source folders and the documents bucket since a backup.</source>
        <translation type="unfinished"></translation>
    </message>
</context>
<context>
    <name>BucketComparison</name>
    <message>
        <source>Canceled.</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>Reading “%1” to compare it…</source>
        <translation type="unfinished"></translation>
    </message>
</context>
<context>
    <name>BucketRestore</name>
    <message>
        <source>The archive of the bucket in this backup does not match its manifest: nothing more was put back.</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>Putting the objects of %1 back…</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>Canceled.</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>Cannot write %1.</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>The storage holds other bytes than were sent for “%1”.</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>Put back “%1” (%2 bytes).</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>Removing the objects added since the backup…</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>Removed “%1”, added since the backup.</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>The safety backup %1 of the bucket is not usable: %2</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>The safety backup %1 holds no bucket “%2”.</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>“%1” was changed after the restore and is kept.</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>Removed “%1”, which the restore had added.</source>
        <translation type="unfinished"></translation>
    </message>
</context>
<context>
    <name>BucketSnapshot</name>
    <message>
        <source>Listing %1…</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>Could not start the archive of %1.</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>Could not archive the object “%1” of %2.</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>The object “%1” of %2 changed while the backup read it: run the backup again.</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>Stopped.</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>The object “%1” was deleted while the backup ran.</source>
        <translation type="unfinished"></translation>
    </message>
</context>
<context>
    <name>Catalog</name>
    <message>
        <source>The file “%1” is missing.</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>The file “%1” has %2 bytes instead of %3.</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>No manifest: the backup was interrupted or is still being written.</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>The repository folder “%1” does not exist.</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>The repository “%1” is not a readable folder.</source>
        <translation type="unfinished"></translation>
    </message>
</context>
<context>
    <name>ChildProcess</name>
    <message>
        <source>Could not start %1.</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>Stopped.</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>%1 failed (exit status %2).</source>
        <translation type="unfinished"></translation>
    </message>
</context>
<context>
    <name>Cli</name>
    <message>
        <source>Usage: coffre-cli [global options] COMMAND [options]

Backs up and restores a web application: its PostgreSQL database and its source folders.

Commands:
</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>
Global options:
</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>
&apos;coffre-cli COMMAND --help&apos; describes one command.
Exit status: 0 on success, 1 on failure, 2 on bad usage.
</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>coffre-cli: unknown command “%1”; &apos;coffre-cli --help&apos; lists them.</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>Show this help.</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>Print the version, and with --json the protocol a desktop checks.</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>Answer with one JSON document (errors too: {&quot;error&quot;: {code, message}}).</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>With json: stream progress as JSON lines on stdout, then one result or error line (the desktop&apos;s protocol).</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>Cancel the job when standard input closes (how the desktop cancels over ssh).</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>Read the database password from the first line of standard input.</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>--progress takes the word json.</source>
        <translation type="unfinished"></translation>
    </message>
</context>
<context>
    <name>CliJobRunner</name>
    <message>
        <source>Canceling…</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>Password for %1: </source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>Standard input closed: canceling.</source>
        <translation type="unfinished"></translation>
    </message>
</context>
<context>
    <name>CliTarget</name>
    <message>
        <source>Work on the stored profile NAME.</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>The database, as a libpq connection string or URI (no password: use ~/.pgpass).</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>A source folder to back up; repeatable.</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>A name or pattern to leave out; repeatable.</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>No profile exists yet: give --profile NAME, or --repository DIR for an ad-hoc run.</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>Several profiles exist; choose one with --profile NAME (%1).</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>--source takes LABEL=PATH, with a label of letters, digits, &apos;-&apos;, &apos;_&apos; or &apos;.&apos; (found “%1”).</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>No repository: give --repository DIR or a --profile that has one.</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>There is no backup named “%1” in %2.</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>The folder that holds the backups; s3://BUCKET/FOLDER works on the off-site copies.</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>Where off-site copies go: s3://BUCKET/FOLDER (keys from AWS_ACCESS_KEY_ID, AWS_SECRET_ACCESS_KEY or ~/.aws/credentials).</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>The object storage&apos;s address for a MinIO, R2 or other S3 service (default: AWS, or AWS_ENDPOINT_URL).</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>The storage&apos;s region (default: AWS_REGION, else us-east-1).</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>The application&apos;s uploaded documents: s3://BUCKET/FOLDER, snapshotted with each backup and put back by restore. --s3-endpoint, --s3-region and --s3-ca-file apply to it too, unless --documents-endpoint is given.</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>The address of the documents&apos; storage when it is not the off-site one (a MinIO beside the application).</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>PEM certificates to trust for a private storage server.</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>--documents-endpoint needs a documents bucket: give --documents s3://BUCKET/FOLDER.</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>%1 is a server profile: give --profile %1 so that this runs on its server.</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>--db holds a password: Coffre never takes one there (it shows in the process list and in the shell&apos;s history, and pg_dump would not get it). Remove it, and give the password with --password-stdin, in ~/.pgpass, or at the prompt.</source>
        <translation type="unfinished"></translation>
    </message>
</context>
<context>
    <name>CompressedFileWriter</name>
    <message>
        <source>The disk holding the backups is full (writing “%1”).</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>Could not write “%1”.</source>
        <translation type="unfinished"></translation>
    </message>
</context>
<context>
    <name>CreateCommand</name>
    <message>
        <source>Name of the backup (default: backup_YYYYMMDD_HHMMSS).</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>A note kept with the backup.</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>Leave the database out.</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>Leave the source folders out.</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>Also keep the database as plain SQL, for reading by eye.</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>Compress with gzip instead of zstd, for old tooling.</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>--no-db and --no-sources together leave nothing to back up.</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>Back up the database and the source folders now.</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>Leave the documents bucket out.</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>Mark the backup as scheduled (for timers and cron) and notify as the profile says (coffre-cli notify).</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>Notify as the profile says, as a scheduled run does.</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>could not notify: %1</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>warning: %1</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>Copied to %1; every checksum matched.</source>
        <translation type="unfinished"></translation>
    </message>
</context>
<context>
    <name>CustomDumpIndexer</name>
    <message>
        <source>table of contents too large</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>unknown block type %1</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>negative chunk length</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>The dump&apos;s data positions could not be read: %1</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>Cannot update “%1”.</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>an integer of a data block is out of range: the dump is damaged or forged</source>
        <translation type="unfinished"></translation>
    </message>
</context>
<context>
    <name>DatabaseAdmin</name>
    <message>
        <source>Could not create the database “%1”.</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>Could not carry the database settings over to “%1”.</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>Could not end the other sessions on “%1”.</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>Could not change who may connect to “%1”.</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>Could not put the restored database in place of “%1”.</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>Could not rename the database “%1”.</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>Could not remove the temporary database “%1”.</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>The database name “%1” is longer than PostgreSQL allows (63 bytes).</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>The database “%1” is not the one Coffre created: it was left alone.</source>
        <translation type="unfinished"></translation>
    </message>
</context>
<context>
    <name>DatabaseSettings</name>
    <message>
        <source>%1 was not restored: %2</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>There is no database named “%1”.</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>The database settings were not restored: %1</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>Resetting the database&apos;s settings</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>Resetting the settings of role %1</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>The setting %1</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>The setting %1 of role %2</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>%1 was not restored: the role no longer exists.</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>The connection limit</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>The comment</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>The owner and privileges of the database were not restored: only its owner or a superuser may change them.</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>The owner %1 was not restored: the role no longer exists.</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>The owner</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>The privileges</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>The privilege %1 of role %2 was not restored: the role no longer exists.</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>(none)</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>%1 (now: %2 → backup: %3)</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>%1 for role %2</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>no limit</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>connection limit</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>owner</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>privileges</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>comment</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>Database settings that will change: %1</source>
        <translation type="unfinished"></translation>
    </message>
</context>
<context>
    <name>DatabaseUrl</name>
    <message>
        <source>“%1” is not a port number.</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>A database URL starts with postgres:// or postgresql://.</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>A URL with several hosts is not supported: keep one.</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>The IPv6 address in brackets is not closed.</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>Unexpected text after the IPv6 address: “%1”.</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>“%1” is not an SSL mode PostgreSQL knows.</source>
        <translation type="unfinished"></translation>
    </message>
</context>
<context>
    <name>Decompressor</name>
    <message>
        <source>Cannot read “%1”.</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>Cannot write “%1”.</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>Cannot decompress “%1”.</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>“%1” is damaged: it does not decompress.</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>Canceled.</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>Cannot write “%1” (is the disk full?).</source>
        <translation type="unfinished"></translation>
    </message>
</context>
<context>
    <name>DeleteCommand</name>
    <message>
        <source>Name the backups to delete.</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>Without a terminal, give --yes to delete.</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>Delete %1 (%2)?</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>One of them is a safety copy made before a restore.</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source> [y/N] </source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>Nothing was deleted.</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>Deleted %1 (%2).</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>Delete backups (complete, incomplete or damaged); never another folder.</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>Do not ask for confirmation.</source>
        <translation type="unfinished"></translation>
    </message>
</context>
<context>
    <name>DeleteJob</name>
    <message>
        <source>“%1” is not a backup of this repository.</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>“%1” is not a Coffre backup (it holds “%2”, which a backup never has): it is left alone.</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>Deleting %1…</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>Could not delete “%1”.</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>“%1” was removed from the list but some of its files could not be deleted (in %2).</source>
        <translation type="unfinished"></translation>
    </message>
</context>
<context>
    <name>DrillJob</name>
    <message>
        <source>Canceled.</source>
        <translation type="unfinished"></translation>
    </message>
    <message numerus="yes">
        <source>Restorable: every checksum, %n table(s) with their row counts, %1 file(s).</source>
        <translation>
            <numerusform>Restorable: every checksum, %n table with their row counts, %1 file.</numerusform>
            <numerusform>Restorable: every checksum, %n tables with their row counts, %1 files.</numerusform>
        </translation>
    </message>
    <message>
        <source>The drill of %1 failed: %2</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>Reading the folders&apos; archives…</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>%1 holds %2 files where the manifest says %3.</source>
        <translation type="unfinished"></translation>
    </message>
</context>
<context>
    <name>DumpBlockReader</name>
    <message>
        <source>The database dump is damaged: an integer of a data block is out of range.</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>The database dump is damaged: unknown data block type %1.</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>The database dump is damaged: a data chunk has an impossible length.</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>The database dump is damaged: a large object has an impossible OID.</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>Canceled.</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>The database dump is damaged: a table&apos;s data does not have the shape it had a moment ago.</source>
        <translation type="unfinished"></translation>
    </message>
</context>
<context>
    <name>DumpContents</name>
    <message>
        <source>The backup “%1” holds no database.</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>Could not start pg_restore.</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>pg_restore did not finish listing the dump of “%1”.</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>pg_restore could not read the dump of “%1” (exit status %2).</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>pg_restore could not read the dump of “%1”: %2</source>
        <translation type="unfinished"></translation>
    </message>
</context>
<context>
    <name>DumpDataLoader</name>
    <message>
        <source>The database server refused a statement of the dump.</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>Loading the data of %1 failed.</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>Canceled.</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>Restoring the large object %1 failed.</source>
        <translation type="unfinished"></translation>
    </message>
</context>
<context>
    <name>DumpToc</name>
    <message>
        <source>not a pg_dump custom-format archive</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>archive version 1.%1 is not one this reads</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>a field of the table of contents is out of range: the dump is damaged or forged</source>
        <translation type="unfinished"></translation>
    </message>
</context>
<context>
    <name>ExportJob</name>
    <message>
        <source>Name the file with .zip or .tar at the end: “%1” says neither.</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>The folder “%1” does not exist or cannot be written to.</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>“%1” already exists: it was left as it is.</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>The manifest of “%1” cannot be read.</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>Not enough free space in %1 for %2.</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>Cannot write “%1”.</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>Could not write “%1” (is the disk full?).</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>Saving %1…</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>Canceled: nothing was saved.</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>The file “%1” is damaged: its checksum does not match the manifest. Nothing was saved.</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>%1: checksum OK</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>Writing to disk…</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>Could not move “%1” to “%2”.</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>the output stream</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>to %1</source>
        <translation type="unfinished"></translation>
    </message>
</context>
<context>
    <name>HostKeys</name>
    <message>
        <source>Could not start %1: is the OpenSSH client installed?</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>%1 did not answer in time.</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>%1 failed.</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>ssh-keygen did not recognise a host key.</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>%1 key fingerprint is %2.</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>The SSH settings of %1 could not be read.</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>%1 did not show its host key: check the host name, the port and the network.</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>“%1” is not a host key.</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>The folder %1 could not be created.</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>The host key could not be saved in %1.</source>
        <translation type="unfinished"></translation>
    </message>
</context>
<context>
    <name>ImportJob</name>
    <message>
        <source>The file “%1” does not exist or cannot be read.</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>The repository folder “%1” does not exist.</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>Not enough free space in %1 for %2.</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>“%1” is not a Coffre backup that can be imported: %2 Nothing was added.</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>Reading %1…</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>Nothing was added.</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>it holds links (“%1”), which a backup never has.</source>
        <translation type="unfinished"></translation>
    </message>
    <message numerus="yes">
        <source>it should hold one folder, named after the backup, and it holds %n entries.</source>
        <translation>
            <numerusform>it should hold one folder, named after the backup, and it holds %n entry.</numerusform>
            <numerusform>it should hold one folder, named after the backup, and it holds %n entries.</numerusform>
        </translation>
    </message>
    <message>
        <source>“%1” is not a valid backup name.</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>it holds “%1”, which a backup never has.</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>its folder “%1” and its manifest (“%2”) name different backups.</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>A backup named “%1” is already in %2: nothing was added.</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>Imported %1 from %2.</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>Checking the backup&apos;s files…</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>The file “%1” is damaged: its size does not match the manifest. Nothing was added.</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>The file “%1” is damaged: its checksum does not match the manifest. Nothing was added.</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>%1: checksum OK</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>the input stream</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>from standard input</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>from %1</source>
        <translation type="unfinished"></translation>
    </message>
</context>
<context>
    <name>ListCommands</name>
    <message>
        <source>No backups in %1.</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>NAME</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>CREATED</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>SIZE</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>KIND</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>STATUS</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>CONTENTS</source>
        <translation type="unfinished"></translation>
    </message>
    <message numerus="yes">
        <source>%n backup(s), %1 in %2; %3 free on that disk.</source>
        <translation>
            <numerusform>%n backup, %1 in %2; %3 free on that disk.</numerusform>
            <numerusform>%n backups, %1 in %2; %3 free on that disk.</numerusform>
        </translation>
    </message>
    <message>
        <source>PROFILE</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>DATABASE</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>SOURCES</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>REPOSITORY</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>No profiles yet in %1.</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>List the stored profiles.</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>List the backups of a repository with their size, date and status.</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>Name one backup.</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>There is no backup named “%1” in %2.</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>Everything a backup&apos;s manifest says: versions, tables, folders, checksums.</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>Name the profile to save.</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>save-profile takes --repository, --db, --source and --exclude, not --profile.</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>A profile named “%1” exists already: give --force to replace it.</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>Saved the profile “%1” in %2.</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>scan answers in JSON only: give --json (list is for people).</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>Save --repository, --db, --source and --exclude as a profile (how a server gets one).</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>Replace a profile of that name.</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>The repository as a desktop lists it: every backup with its manifest (JSON only).</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>%1, proven %2</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>%1: warning: %2</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>Warning: %1</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>Off-site (--repository s3://…): answer from this computer&apos;s copy of the last listing, without asking the storage.</source>
        <translation type="unfinished"></translation>
    </message>
</context>
<context>
    <name>LocalSite</name>
    <message>
        <source>this computer</source>
        <translation type="unfinished"></translation>
    </message>
</context>
<context>
    <name>LogCommand</name>
    <message>
        <source>--since takes a date (2026-05-01, 2026-05-01T02:30), today, yesterday, or an age such as 7d, 12h, 2w.</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>The audit log of %1 is empty.</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>No line of the audit log of %1 matches.</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>TIME</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>ACTION</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>OUTCOME</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>BACKUP</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>SIZE</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>TOOK</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>BY</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>MESSAGE</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>The audit log of the repository: every create, restore, undo, delete, prune, download, upload, export and import, by whom, how it ended.</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>Only from this date or age on: 2026-05-01, today, 7d, 12h.</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>Only this action (create, restore, undo, delete, prune, download, upload, export, import); repeatable.</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>Only this outcome: ok, failed or canceled.</source>
        <translation type="unfinished"></translation>
    </message>
</context>
<context>
    <name>Manifest</name>
    <message>
        <source>manual</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>scheduled</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>safety copy</source>
        <translation type="unfinished"></translation>
    </message>
</context>
<context>
    <name>ManifestParser</name>
    <message>
        <source>is missing</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>must be a text</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>must use only letters, digits, &apos;-&apos;, &apos;_&apos; and &apos;.&apos; (found “%1”)</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>is not a valid path inside a backup (found “%1”)</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>must be a whole number, zero or more</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>must be a date and time in ISO 8601 with a time zone</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>must be a list of texts</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>must be a list</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>The manifest field “%1” must be an object.</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>The manifest field “%1” %2.</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>The manifest lists the file “%1” twice.</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>The manifest gives no valid SHA-256 checksum for “%1”.</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>The manifest names “%1” but does not list it in “files”.</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>The manifest has two source roots labelled “%1”.</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>The manifest is not valid JSON.</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>The manifest is not a JSON object.</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>The manifest has no format version; it was not written by Coffre.</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>must be “manual”, “scheduled” or “safety” (found “%1”)</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>must be an object or null</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>The manifest cannot be read.</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>The manifest is too large to be genuine (%1 bytes).</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>must be “name=value”</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>must be a whole number, -1 or more</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>must be true or false</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>must be a key under the prefix “%1” (found “%2”)</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>must be 64 lowercase hexadecimal digits</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>must be “other-keys/&lt;number&gt;” (found “%1”)</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>is missing: the key “%1” is not a plain path</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>must have no leading, trailing or double slash (found “%1”)</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>must be in “objects/” (found “%1”)</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>lists the key “%1” twice</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>names the archive entry “%1” twice</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>must be the number of objects listed (%1)</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>must be the sum of the objects&apos; sizes (%1)</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>The manifest has two buckets labelled “%1”.</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>must not be given with “packs”</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>This backup uses manifest format %1, which this version of Coffre cannot read (it reads formats %2 to %3). Use a newer Coffre.</source>
        <translation type="unfinished"></translation>
    </message>
</context>
<context>
    <name>Notifier</name>
    <message>
        <source>backup failed</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>backup canceled</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>backup made, with warnings</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>backup made</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>%1 on %2: %3.</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>%1 on %2: %3 (%4).</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>The webhook at %1 did not take the notification.</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>Time: %1
Profile: %2
Host: %3
</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>History: coffre-cli --profile %1 log --since 7d
</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>No sendmail here to mail %1: install a mail transfer agent (e.g. msmtp-mta or postfix).</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>%1 could not be started.</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>%1 did not finish within a minute.</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>%1 could not send the mail to %2.</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>restore drill failed</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>restore drill canceled</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>proven restorable</source>
        <translation type="unfinished"></translation>
    </message>
</context>
<context>
    <name>NotifyCommand</name>
    <message>
        <source>Who hears about scheduled backups (a webhook, mail) and when a backup warns: set, show, test, remove.</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>set: POST a JSON notification to this https:// address.</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>set: mail these addresses (comma-separated) through the local sendmail.</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>set: notify after every scheduled backup, not only failures and warnings.</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>set: notify only failures and warnings (the default).</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>set: warn when the backups&apos; disk is this full (default 80; 0: never).</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>set: warn when the dump or a folder shrank by more than this share since the backup before (default 50; 0: never).</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>%1: %2. Warnings when the disk is %3 % full, or a part shrank by %4 %.</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>--on-success and --failures-only contradict each other.</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>--%1 takes a number from 0 to 100.</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>%1 has no webhook or mail to test: notify set --webhook URL or --mail ADDRESS.</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>A test from coffre-cli notify test: notifications of this profile reach you.</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>Sent a test notification (%1).</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>notify takes set, show, test or remove.</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>Notifications belong to a stored profile: give --profile NAME.</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>No more notifications for %1.</source>
        <translation type="unfinished"></translation>
    </message>
</context>
<context>
    <name>NotifySettings</name>
    <message>
        <source>webhook %1</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>mail to %1</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>no webhook or mail</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>every backup</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>failures and warnings only</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>“%1” is not a web address for the webhook: give https://…</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>“%1” is not a mail address.</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>The thresholds are percentages, from 0 (never) to 100.</source>
        <translation type="unfinished"></translation>
    </message>
</context>
<context>
    <name>OffsiteCommands</name>
    <message>
        <source>No backups in %1.</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>NAME</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>CREATED</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>SIZE</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>STATUS</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>CONTENTS</source>
        <translation type="unfinished"></translation>
    </message>
    <message numerus="yes">
        <source>%n backup(s), %1 in %2.</source>
        <translation>
            <numerusform>%n backup, %1 in %2.</numerusform>
            <numerusform>%n backups, %1 in %2.</numerusform>
        </translation>
    </message>
    <message>
        <source>%1 in %2: every file matches its checksum.</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>Name the backups to delete.</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>Deleting off-site copies asks for --yes.</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>Deleted from %1: %2</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>Downloaded %1 (%2) from %3 into %4; every checksum was verified.</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>Copied %1 (%2) to %3; every checksum matched.</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>Fetched %1 from %2 into %3; every checksum was verified.</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>Name one backup.</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>%1 works on a repository of this computer. Off-site (%2), use list, info, verify, delete, download, upload, restore, create or prune; download a backup first for the rest.</source>
        <translation type="unfinished"></translation>
    </message>
</context>
<context>
    <name>OffsiteCopy</name>
    <message>
        <source> It is kept in %1.</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>Backup %1 is complete here, but its off-site copy to %2 failed: %3</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>Copied %1 off-site to %2; every checksum matched.</source>
        <translation type="unfinished"></translation>
    </message>
</context>
<context>
    <name>OffsiteStore</name>
    <message>
        <source>%1 is missing off-site or has another size.</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>“%1” is not a backup name.</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>There is no backup named “%1” in %2.</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>The off-site copy of %1 is damaged: %2</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>The off-site copy of %1 is damaged: its manifest names “%2”.</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>to %1</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>from %1</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>%1 is already off-site in %2.</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>Copying off-site…</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>The local copy of %1 is damaged: %2 does not match its checksum. Nothing was kept off-site.</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>Sent %1 (%2 bytes).</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>Cannot read %1.</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>Cannot write %1.</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>The off-site copy of %1 is damaged: %2 is longer than its manifest says.</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>The off-site copy of %1 is damaged: %2 does not match its checksum.</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>%1 is already in %2.</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>Cannot create the folder %1.</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>Fetching from off-site…</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>Checking the off-site copy…</source>
        <translation type="unfinished"></translation>
    </message>
</context>
<context>
    <name>PackSeal</name>
    <message>
        <source>The key %1 is damaged: remove it (the next backups write their folders in full once).</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>No random bytes for a new key.</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>The folder %1 cannot be created.</source>
        <translation type="unfinished"></translation>
    </message>
</context>
<context>
    <name>PassFile</name>
    <message>
        <source>Could not create a private temporary folder.</source>
        <translation type="unfinished"></translation>
    </message>
</context>
<context>
    <name>PasswordVault</name>
    <message>
        <source>No password is stored in the keychain for this profile.</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>The system keychain is not available; the password is kept for this session only.</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>The system keychain failed.</source>
        <translation type="unfinished"></translation>
    </message>
</context>
<context>
    <name>PgConnection</name>
    <message>
        <source>Out of memory while connecting to the database.</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>The database refused a request.</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>Wrong password for user “%1” on %2.</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>The server asks for a password for user “%1” and none was given: type it in, keep it in the keychain, or add it to ~/.pgpass.</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>The database does not exist on %1.</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>The user “%1” does not exist on the server.</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>The server does not accept this user and database from this machine (pg_hba.conf).</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>The server name “%1” is unknown: check the host.</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>The server at %1 did not answer within %2 seconds.</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>No PostgreSQL server answers at %1: is it running, and are the host and port right?</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>The service “%1” is not defined in pg_service.conf.</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>The secure (SSL) connection to %1 failed.</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>The connection settings are not valid.</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>Could not connect to the database at %1.</source>
        <translation type="unfinished"></translation>
    </message>
</context>
<context>
    <name>PgTools</name>
    <message>
        <source>“%1” does not run.</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>“%1” does not say which PostgreSQL version it belongs to.</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>No %1 for PostgreSQL %2 or newer is installed. Install the package postgresql-client-%2.</source>
        <translation type="unfinished"></translation>
    </message>
</context>
<context>
    <name>Pins</name>
    <message>
        <source>“%1” is not a backup name.</source>
        <translation type="unfinished"></translation>
    </message>
</context>
<context>
    <name>PrismaMigrations</name>
    <message numerus="yes">
        <source>%n migration(s) of the code not applied in the database: %1</source>
        <translation>
            <numerusform>%n migration of the code not applied in the database: %1</numerusform>
            <numerusform>%n migrations of the code not applied in the database: %1</numerusform>
        </translation>
    </message>
    <message numerus="yes">
        <source>%n migration(s) applied in the database not in the code: %1</source>
        <translation>
            <numerusform>%n migration applied in the database not in the code: %1</numerusform>
            <numerusform>%n migrations applied in the database not in the code: %1</numerusform>
        </translation>
    </message>
</context>
<context>
    <name>ProfileQuestions</name>
    <message>
        <source>Delete the profile “%1”?</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>Its backups are not deleted.</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>Its backups are not deleted: they stay in %1.</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>A database password kept in the system keychain for it is removed.</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>Delete profile</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>&amp;Delete profile</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>Backup folder</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>The backup folder %1 does not exist. Create it now (readable by you only)?</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>The folder %1 could not be created.</source>
        <translation type="unfinished"></translation>
    </message>
</context>
<context>
    <name>ProfileStore</name>
    <message>
        <source>“%1” is not a valid profile name.</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>There is no profile named “%1”.</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>The profile “%1” cannot be read.</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>The profile file of “%1” is not valid JSON.</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>The profile file “%1” names another profile (“%2”).</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>Cannot create the settings folder “%1”.</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>The profile “%1” could not be removed.</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>A profile name uses only letters, digits, &apos;-&apos;, &apos;_&apos; and &apos;.&apos;, and does not start with &apos;.&apos;.</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>Choose the folder where backups are kept.</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>The backup folder must be an absolute path.</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>The profile backs up nothing: give a database or at least one source folder.</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>The source label “%1” may use only letters, digits, &apos;-&apos;, &apos;_&apos; and &apos;.&apos;.</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>Two source folders are labelled “%1”.</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>The source folder “%1” must be an absolute path.</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>The backup folder “%1” is inside the source folder “%2”: each backup would hold the ones before it. Choose a backup folder outside it.</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>“%1” is not an SSH destination: give user@host or a Host of ~/.ssh/config.</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>The SSH port must be between 1 and 65535.</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>Give the path of coffre-cli on the server (coffre-cli when it is on the PATH).</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>“%1” is not a profile name.</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>The profile “%1” names a server without its address.</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>The backup folder is a folder of this computer; object storage (%1) goes in the off-site settings.</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>The profile “%1”: %2</source>
        <translation type="unfinished"></translation>
    </message>
</context>
<context>
    <name>ProgressMeter</name>
    <message>
        <source>%1 of %2</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>%1/s</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>about %1 s left</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>about %1 min left</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>about %1 h left</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>%1 so far</source>
        <translation type="unfinished"></translation>
    </message>
    <message numerus="yes">
        <source>%n file(s) found</source>
        <translation>
            <numerusform>%n file found</numerusform>
            <numerusform>%n files found</numerusform>
        </translation>
    </message>
</context>
<context>
    <name>PruneJob</name>
    <message numerus="yes">
        <source>Retention (%1): %n backup(s) to remove.</source>
        <translation>
            <numerusform>Retention (%1): %n backup to remove.</numerusform>
            <numerusform>Retention (%1): %n backups to remove.</numerusform>
        </translation>
    </message>
    <message>
        <source>Removing old backups…</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>Removing old off-site copies…</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>Canceled.</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>off-site copy in %1</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>Removed %1 from %2.</source>
        <translation type="unfinished"></translation>
    </message>
</context>
<context>
    <name>RemoteCli</name>
    <message>
        <source>Could not start ssh: is the OpenSSH client installed?</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>The server %1 answered something Coffre does not understand.</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>coffre-cli is not installed on %1 (or not as “%2”). Install the coffre-cli package there, or give its path in the server settings.</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>The host key of %1 has CHANGED since the last connection. This may be an attack, or a reinstalled server: check with its administrator. Coffre refuses to connect; once verified, remove the old key with: ssh-keygen -R %2</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>%1 refused the connection: the SSH key was not accepted. Check the user name and that your public key is in the server&apos;s ~/.ssh/authorized_keys.</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>Cannot reach %1 over SSH: check the host name, the port and the network.</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>Canceled.</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>The command failed on %1 (exit status %2).</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>The coffre-cli on %1 is too old to be driven from this desktop (it needs protocol %2). Update the coffre-cli package on the server.</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>The coffre-cli on %1 (version %2, protocol %3) does not speak this desktop&apos;s protocol (%4 to %5). Install the same Coffre version on both.</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>The host key of %1 is not known yet: verify its fingerprint before connecting (in the window: Profile › Edit profile… › Test connection; in a terminal: ssh %2 once).</source>
        <translation type="unfinished"></translation>
    </message>
</context>
<context>
    <name>RemoteTransfer</name>
    <message>
        <source>Cannot open a pipe for the download.</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>The download was canceled: nothing was added.</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>Cannot open a pipe for the upload.</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>The upload was canceled: nothing was added on %1.</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>from %1</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>to %1</source>
        <translation type="unfinished"></translation>
    </message>
</context>
<context>
    <name>RemoveTree</name>
    <message>
        <source>“%1” is a mounted file system: it was not deleted.</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>Could not delete “%1”.</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>“%1” is a mounted file system: nothing in it was deleted, and “%2”, which holds it, stays.</source>
        <translation type="unfinished"></translation>
    </message>
</context>
<context>
    <name>RenameNoReplace</name>
    <message>
        <source>“%1” already exists: it was left as it is.</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>Could not move “%1” to “%2”.</source>
        <translation type="unfinished"></translation>
    </message>
</context>
<context>
    <name>RepositoryLock</name>
    <message>
        <source>Another Coffre job is working on this repository (process %1 on %2). Wait for it to finish.</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>Cannot lock the repository “%1”: check that the folder is writable.</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>Cannot lock the repository “%1”.</source>
        <translation type="unfinished"></translation>
    </message>
</context>
<context>
    <name>RestoreCarry</name>
    <message>
        <source>“%1” has a name that is not valid text: it stays in “%2”.</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>“%1” is in the backup too: the restored one is kept, the current one stays in “%2”.</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>The restored folder has a file or a link where “%1” goes: it stays in “%2”.</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>Could not make the folder “%1” in “%2”.</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>“%1” could not be carried into the restored folder %2 (%3): it is still in %4.</source>
        <translation type="unfinished"></translation>
    </message>
</context>
<context>
    <name>RestoreCleanup</name>
    <message>
        <source>There are no before-restore copies to remove.</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>“%1” holds a mounted file system (%2): unmount it or move it out first. Nothing was removed.</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>Removing %1</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>Another restore was made since the list was shown: nothing was removed. Look at the list again.</source>
        <translation type="unfinished"></translation>
    </message>
</context>
<context>
    <name>RestoreCommands</name>
    <message>
        <source>Name one backup, or give --latest.</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>There is no complete backup in %1.</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>There is no backup named “%1” in %2.</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>--confirm takes the word OUI, in capitals.</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>Nothing was changed.</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>Restoring %1 (%2) will replace:</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>  nothing in the database: it goes into a new database “%1”</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>What is there now is kept beside it (…before_restore_…), and can be put back with undo-restore.</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>The database already has tables: nothing was restored.</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>Restored %1.</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>Previous database kept as %1.</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>Previous folder kept as %1.</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>The backup&apos;s database is in “%1”.</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>%1: all %2 files match their checksums (%3).</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>The restore of %1 (%2) was undone: the previous state is back; the restored one is kept as …undone_%2.</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>This removes for good, and ends Undo:
  %1</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>Removed the before-restore copies of %1.</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>Confirm without a prompt: the word OUI.</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>Restore a backup; what it replaces is kept and can be put back.</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>Restore the database under this new name, for inspection.</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>Restore the newest complete backup.</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>Restore only when the database has no tables (for a start-up script).</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>Check every file of a backup against its checksum.</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>Check the newest complete backup.</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>Put back what the last restore replaced.</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>Remove the before-restore copies of the last restore, for good.</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>Type OUI (yes, in French) to go on: </source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>The database was restored in place; its previous state is in the backup %1.</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>Only say what the restore would replace; change nothing.</source>
        <translation type="unfinished"></translation>
    </message>
    <message numerus="yes">
        <source>Put back %n object(s) in %1; %2 were unchanged.</source>
        <translation>
            <numerusform>Put back %n object in %1; %2 were unchanged.</numerusform>
            <numerusform>Put back %n objects in %1; %2 were unchanged.</numerusform>
        </translation>
    </message>
    <message numerus="yes">
        <source>Removed %n object(s) added since the backup:</source>
        <translation>
            <numerusform>Removed %n object added since the backup:</numerusform>
            <numerusform>Removed %n objects added since the backup:</numerusform>
        </translation>
    </message>
    <message numerus="yes">
        <source>Kept %n object(s) added since the backup (--remove-new-objects removes them):</source>
        <translation>
            <numerusform>Kept %n object added since the backup (--remove-new-objects removes them):</numerusform>
            <numerusform>Kept %n objects added since the backup (--remove-new-objects removes them):</numerusform>
        </translation>
    </message>
    <message>
        <source>What the bucket held before is in the backup %1.</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>--only takes database, sources, documents or a folder label of the backup (not “%1”).</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>%1 is proven restorable: %2</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>The restore of %1 (%2) was undone: the bucket is as it was before.</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>Restore only this part: database, sources, documents (the bucket), or a folder label; repeatable.</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>Also remove the objects added to the documents bucket since the backup (they are kept otherwise).</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>Prove a backup restorable: its database restored into a scratch database, row counts checked, dropped; its folders&apos; archives read through. Nothing live is touched.</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>Drill the newest complete backup.</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>No restore drill is scheduled for %1 (schedule set --drill-every DAYS).</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>The last good restore drill was on %1; the next is due from %2.</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>Only when the profile&apos;s schedule asks for drills and the last good one is old enough (what the scheduled run adds); a failure is notified.</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>Without a terminal, give --confirm OUI to go on.</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>OUI is typed in capitals.</source>
        <translation type="unfinished"></translation>
    </message>
</context>
<context>
    <name>RestoreJob</name>
    <message>
        <source>The restore was canceled. Nothing was changed.</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>Restore of %1 complete.</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>This backup holds no database.</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>This backup holds no folder “%1”.</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>The profile has no folder labelled “%1” to restore into.</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>Not enough free space beside “%1”: %2 are needed and %3 are free.</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>Choose at least one part to restore.</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>The profile does not say which database to restore into: give its name.</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>Restoring under another name needs a role that may create databases.</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>A database named “%1” already exists.</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>Not enough free space in “%1” to unpack the database dump: about %2 are needed and %3 are free.</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>Cannot create a staging folder in the repository.</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>Decompressing the database dump…</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>Indexed %1 data blocks of the dump for parallel restore.</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>Restoring the database into “%1”…</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>pg_restore failed: the database was not changed.</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>Comparing row counts with the backup…</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>The restored table %1.%2 has %3 rows where the backup has %4: the restore is refused.</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>Extracting “%1”…</source>
        <translation type="unfinished"></translation>
    </message>
    <message numerus="yes">
        <source>%n link(s) in “%1” pointed outside the folder and were not restored (see the log).</source>
        <translation>
            <numerusform>%n link in “%1” pointed outside the folder and was not restored (see the log).</numerusform>
            <numerusform>%n links in “%1” pointed outside the folder and were not restored (see the log).</numerusform>
        </translation>
    </message>
    <message>
        <source>Making a safety copy of the database…</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>The safety copy of the database failed, so nothing was restored.</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>Restoring the database in place…</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>Running “%1”…</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>“%1” failed (exit status %2); the restore itself is complete.</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>Only a complete backup can be restored (“%1” is %2).</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>The last restore (%1) was already undone.</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>The copy “%1” is gone: the restore can no longer be undone.</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>The database “%1” is gone: the restore can no longer be undone.</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>A restore was interrupted, and the database server cannot be reached to put it back: %1</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>A restore of %1 was interrupted; putting the previous state back failed: %2</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>A restore of %1 was interrupted on %2 before it changed anything; its temporary files were removed.</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>A restore of %1 was interrupted on %2: the previous state was put back.</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>An earlier restore was interrupted and has not been put back yet: open Coffre, or run coffre-cli restore again once the database server is reachable.</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>The database was restored in place, but %1 Its state before is in the safety backup %2.</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>“%1” is longer than PostgreSQL allows for a name (63 bytes).</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>No free name is left for the restore&apos;s temporary databases.</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>“%1” was stopped after %2 minutes.</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>Restoring the database settings…</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>The restore failed and was rolled back: the database is as it was. Its state before the restore is also in the safety backup %1.</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>The database was restored in place; its state before is in the safety backup %1.</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>The restore can no longer be undone: %1</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>Putting the folders back failed too: see the message above; Coffre tries again at its next start.</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>The folders (%1) are as they were before the restore.</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>The database was restored (in place, from %1), but the folders were not: %2 %3 The database and the folders no longer match. The database&apos;s state before the restore is in the safety backup %4.</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>The undo stopped halfway: %1 What is still to undo is recorded: run Undo again once this is fixed.</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>The restore journal does not say which bucket to put back.</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>Putting %1 back as it was…</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>This backup holds no bucket “%1”.</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>The profile names no documents bucket to restore “%1” into.</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>Comparing %1 with the backup…</source>
        <translation type="unfinished"></translation>
    </message>
    <message numerus="yes">
        <source>Saving the %n object(s) the restore replaces or removes…</source>
        <translation>
            <numerusform>Saving the %n object the restore replaces or removes…</numerusform>
            <numerusform>Saving the %n objects the restore replaces or removes…</numerusform>
        </translation>
    </message>
    <message>
        <source>The objects of %1 that the restore of %2 replaced or removed.</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>The safety copy of the bucket failed, so nothing was restored.</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>Canceled.</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>The restore was canceled.</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>%1 The bucket was put back as it was.</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>%1 Putting the bucket back failed too (%2): Coffre tries again at its next start.</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>into the database %1</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>The safety backup “%1” of the bucket is gone: the restore can no longer be undone.</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>A restore of %1 was interrupted; putting the bucket %2 back failed: %3</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>“%1” holds %2 files where the backup&apos;s manifest says %3.</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>Not enough free space for the restored database beside the current one: about %1 are needed and %2 are free on the database server&apos;s disk (%3). Nothing was changed.</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>The dump is decompressed before pg_restore reads it: %1</source>
        <translation type="unfinished"></translation>
    </message>
</context>
<context>
    <name>RestoreJournal</name>
    <message>
        <source>No restore to undo.</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>The restore journal is unreadable.</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>The restore journal in this repository was written by the profile “%1”, which shares the repository with “%2”: only “%1” can undo, put back or clean up that restore. Nothing was changed.</source>
        <translation type="unfinished"></translation>
    </message>
</context>
<context>
    <name>RestorePreview</name>
    <message>
        <source>Database %1: cannot be reached now (%2)</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>Database “%1” on %2: does not exist yet; it will be created.</source>
        <translation type="unfinished"></translation>
    </message>
    <message numerus="yes">
        <source>Database “%1” on %2: %3, %n other session(s) open (they will be ended)</source>
        <translation>
            <numerusform>Database “%1” on %2: %3, %n other session open (it will be ended)</numerusform>
            <numerusform>Database “%1” on %2: %3, %n other sessions open (they will be ended)</numerusform>
        </translation>
    </message>
    <message>
        <source>Folder %1: %2</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>Folder %1: does not exist yet</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>Kept from the current folder (not in backups): %1</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>Bucket “%1”: not in this backup</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>Bucket “%1”: the profile names no documents bucket to restore it into</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>Bucket %1: cannot be reached now (%2)</source>
        <translation type="unfinished"></translation>
    </message>
    <message numerus="yes">
        <source>Bucket %1: %n object(s) to put back (%2), %3 unchanged</source>
        <translation>
            <numerusform>Bucket %1: %n object to put back (%2), %3 unchanged</numerusform>
            <numerusform>Bucket %1: %n objects to put back (%2), %3 unchanged</numerusform>
        </translation>
    </message>
    <message numerus="yes">
        <source>%n object(s) added to the bucket since the backup will be removed:</source>
        <translation>
            <numerusform>%n object added to the bucket since the backup will be removed:</numerusform>
            <numerusform>%n objects added to the bucket since the backup will be removed:</numerusform>
        </translation>
    </message>
    <message numerus="yes">
        <source>%n object(s) added to the bucket since the backup are kept (the restore removes them only when asked):</source>
        <translation>
            <numerusform>%n object added to the bucket since the backup are kept (the restore removes them only when asked):</numerusform>
            <numerusform>%n objects added to the bucket since the backup are kept (the restore removes them only when asked):</numerusform>
        </translation>
    </message>
    <message>
        <source>The objects it replaces or removes are saved first in a safety backup; undo-restore puts them back.</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>Warning: in this backup, the Prisma migrations of %1 and of the database already disagree (%2).</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>Warning: the restored database will not match the code in %1, which is not restored (%2). Restore the folder too, or run the migrations after.</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>The Prisma migrations of the database could not be checked against %1: %2</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>Warning: the restored folder %1 will not match the database, which is not restored (%2). Restore the database too, or run the migrations after.</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>Database “%1” on %2: %3, no other session open</source>
        <translation type="unfinished"></translation>
    </message>
</context>
<context>
    <name>RestoreSwap</name>
    <message>
        <source>Could not rename “%1” to “%2”.</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>Putting the restored database in place…</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>Putting “%1” in place…</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>Putting the previous database back…</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>%1 Putting the previous state back failed too; Coffre will try again at its next start.</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>The database “%1” is not the one the restore journal recorded: it was left alone.</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>No free name is left to keep the restored database aside.</source>
        <translation type="unfinished"></translation>
    </message>
</context>
<context>
    <name>RetentionCommands</name>
    <message>
        <source>Say what would go, delete nothing.</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>Prune the profile&apos;s off-site copies (their own rules) instead of this repository; so does --repository s3://…</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>Keep the last N (instead of the profile&apos;s rules).</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>Keep the newest backup of each of the last N days.</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>… of each of the last N weeks.</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>… of each of the last N months.</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>… of each of the last N years.</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>Never fewer than N backups (default 3).</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>This profile has no off-site copies: give --offsite s3://…</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>No retention rule: every backup stays. Set them in the profile, or give --keep-daily 7 …</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>NAME</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>CREATED</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>SIZE</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>DECISION</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>WHY</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>keep</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>would go</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>removed</source>
        <translation type="unfinished"></translation>
    </message>
    <message numerus="yes">
        <source>Dry run (%1): %n backup(s) would go, %2 freed in %3.</source>
        <translation>
            <numerusform>Dry run (%1): %n backup would go, %2 freed in %3.</numerusform>
            <numerusform>Dry run (%1): %n backups would go, %2 freed in %3.</numerusform>
        </translation>
    </message>
    <message numerus="yes">
        <source>Rules %1: %n backup(s) removed, %2 freed in %3.</source>
        <translation>
            <numerusform>Rules %1: %n backup removed, %2 freed in %3.</numerusform>
            <numerusform>Rules %1: %n backups removed, %2 freed in %3.</numerusform>
        </translation>
    </message>
    <message>
        <source>Name one backup.</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>%1 is pinned: retention never removes it (here or off-site).</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>%1 is no longer pinned.</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>Remove the backups the profile&apos;s retention rules let go (--dry-run: only say which).</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>Keep a backup whatever the retention rules say.</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>Let the retention rules decide for a pinned backup again.</source>
        <translation type="unfinished"></translation>
    </message>
</context>
<context>
    <name>RetentionPolicy</name>
    <message>
        <source>keep everything</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>the last %1</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>%1 daily</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>%1 weekly</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>%1 monthly</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>%1 yearly</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>%1; at least %2; %3 safety copies</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>daily</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>weekly</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>monthly</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>yearly</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>not complete: left for you to look at</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>pinned</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>one of the %1 newest safety copies</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>at least %1</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>beyond the rules</source>
        <translation type="unfinished"></translation>
    </message>
</context>
<context>
    <name>S3Client</name>
    <message>
        <source>Canceled.</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>The certificate of %1 is not trusted. For a private server, give its CA file with the storage settings.</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>Cannot reach the storage at %1: %2.</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>Access denied by the storage at %1: the access key or the secret is wrong, or this key may not use the bucket %2.</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>The bucket %1 does not exist at %2.</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>%1 is not in the bucket %2.</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>The storage at %1 does not offer this operation (%2).</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>The storage refuses this computer&apos;s clock: set the date and time, then try again.</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>The storage received other bytes than were sent (checksum mismatch): nothing was kept.</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>The storage at %1 kept failing (%2 attempts): %3</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>The storage refused the request: %1</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>Cannot read %1.</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>The storage assembled other bytes than were sent for %1.</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>The storage holds %1 bytes for %2 where %3 were sent.</source>
        <translation type="unfinished"></translation>
    </message>
</context>
<context>
    <name>S3Location</name>
    <message>
        <source>&quot;%1&quot; is not an S3 address: write s3://bucket or s3://bucket/folder.</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>&quot;%1&quot; is not a bucket name: 3 to 63 lower-case letters, digits, dots or hyphens.</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>The folder part of &quot;%1&quot; has an empty segment (&quot;//&quot;).</source>
        <translation type="unfinished"></translation>
    </message>
</context>
<context>
    <name>Schedule</name>
    <message>
        <source>hourly</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>daily at %1</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>weekly on %1 at %2</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>“%1” is not a schedule: hourly, daily or weekly.</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>“%1” is not a time of day: give HH:MM, from 00:00 to 23:59.</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>“%1” is not a day of the week: give mon, tue, wed, thu, fri, sat or sun.</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>today %1</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>tomorrow %1</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>yesterday %1</source>
        <translation type="unfinished"></translation>
    </message>
    <message numerus="yes">
        <source>a restore drill every %n day(s)</source>
        <translation>
            <numerusform>a restore drill every %n day</numerusform>
            <numerusform>a restore drill every %n days</numerusform>
        </translation>
    </message>
</context>
<context>
    <name>ScheduleCommand</name>
    <message>
        <source>Run a profile&apos;s backups by themselves (a systemd user timer, or cron): set, show, remove.</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>set: every day at this time (HH:MM).</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>set: every hour, on the hour.</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>set: every week on this day at a time: --weekly mon 03:00.</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>set: systemd or cron (default: systemd when its user manager answers, else cron).</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>Give one of --daily HH:MM, --hourly or --weekly DAY HH:MM.</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>--weekly takes a day and a time: --weekly mon 03:00.</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>To finish, run:</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>systemd user timer %1.timer, enabled</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>systemd user timer %1.timer, not enabled yet</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>a line of your crontab</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>not installed</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>--via takes systemd or cron.</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>%1 is backed up %2 (%3); next run %4.</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>%1 has no schedule. coffre-cli --profile %1 schedule set --daily 02:30 makes one.</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>%1 is backed up %2 (%3).</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>Next run: %1.</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>Last scheduled run: %1, %2%3.</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>%1 is no longer scheduled.</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>schedule takes set, show or remove.</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>Unexpected “%1”.</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>A schedule belongs to a stored profile: give --profile NAME.</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>--drill-every takes a number of days (0 for none).</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>Then %1, on the latest backup.</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>set: after the scheduled run, a restore drill of the latest backup once the last good one is this many days old (coffre-cli drill --latest --due).</source>
        <translation type="unfinished"></translation>
    </message>
</context>
<context>
    <name>ScheduleInstaller</name>
    <message>
        <source>crontab could not be run.</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>The crontab could not be read.</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>The crontab could not be written.</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source># Written by coffre-cli; `coffre-cli --profile %1 schedule remove` removes it.
</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>Coffre: scheduled backup of the profile %1</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>Coffre: when the profile %1 is backed up (%2)</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>The folder %1 cannot be created.</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>systemd&apos;s user manager did not answer (no login session?): the timer is written but not enabled yet.</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>There is no crontab program either (install cron to schedule without systemd).</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>systemctl refused: %1</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>Your timers run only while you are logged in: `loginctl enable-linger %1` (as root, or with sudo) lets them run at any time.</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>There is no crontab program: install cron, or use systemd (--via systemd).</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>cron does not catch up a run missed while the machine was off; a systemd timer does.</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>%1 cannot be removed.</source>
        <translation type="unfinished"></translation>
    </message>
</context>
<context>
    <name>SecureExtractor</name>
    <message>
        <source>Cannot create the folder “%1”.</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>The archive “%1” cannot be opened.</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>The archive “%1” is damaged or truncated.</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>Canceled.</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>The archive “%1” holds an entry that would be written outside its folder (“%2”): it is refused.</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>The archive “%1” holds a link that points outside its folder (“%2”): it is refused.</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>Not restored: the link “%1” points outside the folder (to “%2”).</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>The archive “%1” holds a device or special file (“%2”): it is refused.</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>Could not extract “%1” from “%2”.</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>Could not write “%1” while extracting (is the disk full?).</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>The archive “%1” expands to more than it should (%2 bytes): it is refused.</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>Could not finish extracting “%1”.</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>Could not give “%1” its owner back.</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>The archive “%1” holds a hard link (“%2”), which a backup never has: it is refused.</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>The archive “%1” cannot be read to its end.</source>
        <translation type="unfinished"></translation>
    </message>
</context>
<context>
    <name>SelectionExtractor</name>
    <message>
        <source>Choose the files or folders to extract.</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>The folder “%1” does not exist or cannot be written to.</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>“%1” is not a file or folder of the backup “%2”.</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>Two of the chosen entries are named “%1”: extract them one at a time.</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>“%1” already exists in %2: nothing was extracted.</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>Cannot write in the folder “%1”.</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>Extracting from %1…</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>“%1/%2” is not in the backup “%3”: nothing was extracted.</source>
        <translation type="unfinished"></translation>
    </message>
</context>
<context>
    <name>ServerCommands</name>
    <message>
        <source>Run the command on this server over ssh: user@host or a Host of ~/.ssh/config.</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>The profile on the server (default: its only one).</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>The server&apos;s SSH port.</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>The SSH key to use (default: ssh&apos;s own choice).</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>coffre-cli&apos;s path on the server (default: coffre-cli).</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>An ssh configuration file instead of ~/.ssh/config.</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>Name one backup of the server.</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>Downloaded %1 (%2) from %3 into %4; every checksum was verified.</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>Name one local backup.</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>Uploaded %1 (%2) to %3; the server checked every checksum.</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>download copies a backup from a server or from off-site: give --server or --offsite.</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>upload copies a backup to a server or off-site: give --server or --offsite.</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>Copy a backup of the server (--server), or of the off-site storage (the profile&apos;s, or --offsite), into the local repository (--profile or --repository).</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>Off-site only: fetch into this folder instead.</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>Copy a local backup (--profile or --repository) to the server&apos;s repository (--server), or off-site (the profile&apos;s, or --offsite).</source>
        <translation type="unfinished"></translation>
    </message>
</context>
<context>
    <name>ServerSite</name>
    <message>
        <source>Files are extracted from a backup on this computer: download it first.</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>What is on %1 cannot be measured now: %2</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>On %1:</source>
        <translation type="unfinished"></translation>
    </message>
</context>
<context>
    <name>SourceTreeScanner</name>
    <message>
        <source>The source folder “%1” cannot be opened.</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>The source folder “%1” cannot be read completely.</source>
        <translation type="unfinished"></translation>
    </message>
</context>
<context>
    <name>StreamedDumpRestore</name>
    <message>
        <source>Canceled.</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>Cannot write the dump&apos;s table of contents into “%1”.</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>Building the indexes and constraints of “%1”…</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>Loading the data into “%1”…</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>The database dump holds no data for %1.%2 although its table of contents lists some.</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>Loaded %1 data blocks and %2 sequence values from the compressed dump, without unpacking it.</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>The database dump&apos;s table of contents cannot be read: %1</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>it ends early</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>pg_dump compressed its data blocks itself</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>its data is INSERT statements, not COPY</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>it holds data of a kind this does not load (%1)</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>Loading the data failed.</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>The database dump is damaged: a table&apos;s data is no longer where it was.</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>%1.%2: its last %3 were loaded by a second connection at the same time, then appended in the dump&apos;s order.</source>
        <translation type="unfinished"></translation>
    </message>
</context>
<context>
    <name>SyncTree</name>
    <message>
        <source>Could not make sure “%1” is written to disk.</source>
        <translation type="unfinished"></translation>
    </message>
</context>
<context>
    <name>TransferCommands</name>
    <message>
        <source>Name one backup and the file to write with --to (.zip or .tar).</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>--to names a .zip or a .tar file.</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>Saved %1 to %2 (%3); every checksum was verified.</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>Name one file to import (.zip or .tar, as export writes them).</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>Imported %1 (%2) into %3; every checksum was verified.</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>Save a backup as one .zip or .tar file (to hand over or copy elsewhere).</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>Replace the file if it exists.</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>--to - writes the backup itself on stdout: it cannot be combined with --json.</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>--to - writes a .tar on stdout: send it to a file or a pipe, not to the terminal.</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>import - reads a .tar from stdin: pipe it in (e.g. from export NAME --to -).</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>The file to write; .zip or .tar decides the format; - writes a .tar on stdout.</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>Add an exported backup (.zip or .tar; - reads a .tar from stdin) to the repository, after checking it.</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>to standard output</source>
        <translation type="unfinished"></translation>
    </message>
</context>
<context>
    <name>TreeArchiver</name>
    <message>
        <source>Could not start the archive of “%1”.</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>Could not archive “%1” from “%2”.</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>Stopped.</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>“%1” shrank while the backup ran; padded with zeros.</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>The source folder “%1” cannot be opened.</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>Cannot read “%1” in “%2”: the backup stops rather than leave it out.</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>“%1” vanished while the backup ran.</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>Cannot create the folder “%1”.</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>“%1” no longer matches its checksum: written anew.</source>
        <translation type="unfinished"></translation>
    </message>
</context>
<context>
    <name>TreeComparison</name>
    <message>
        <source>Canceled.</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>Comparing %1 with %2…</source>
        <translation type="unfinished"></translation>
    </message>
</context>
<context>
    <name>VerifyJob</name>
    <message>
        <source>Checking the backup&apos;s files…</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>The file “%1” of the backup cannot be read.</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>The check was canceled.</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>The file “%1” is damaged: its checksum does not match the manifest. Nothing was changed.</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>%1: checksum OK</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>The file “%1” is damaged: its size does not match the manifest.</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>Canceled.</source>
        <translation type="unfinished"></translation>
    </message>
</context>
<context>
    <name>ZstdFileReader</name>
    <message>
        <source>Cannot read “%1”.</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>Cannot decompress “%1”.</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>“%1” is damaged: it does not decompress.</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>Cannot check “%1”.</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>Canceled.</source>
        <translation type="unfinished"></translation>
    </message>
</context>
<context>
    <name>coffre::BackupTableModel</name>
    <message>
        <source>%L1 bytes</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>Name</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>Date</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>Size</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>Kind</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>Contents</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>Status</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>Manual</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>Scheduled</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>Safety copy</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>Database</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>bucket %1</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>Complete</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>Incomplete</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>Damaged</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>warning</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>Proven restorable by a drill on %1</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>On this computer and off-site</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>Off-site only (%1): fetched before a restore</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>%1 · proven</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>here</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>off-site</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>here + off-site</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>Where</source>
        <translation type="unfinished"></translation>
    </message>
</context>
<context>
    <name>coffre::BackupTransfers</name>
    <message>
        <source>Download %1 from %2 into…</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>Zip archive (*.zip)</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>Tar archive (*.tar)</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>Download %1</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>Download of %1</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>%1 saved to %2 (%3); every checksum was verified.</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>Download of %1 from %2</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>%1 copied into %2 (%3); every checksum was verified.</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>Upload a backup folder of this computer to %1</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>Import a backup</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>Coffre backups (*.zip *.tar)</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>Upload</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>%1 is not a complete backup: %2</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>Upload of %1 to %2</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>%1 uploaded to %2; the server checked every checksum.</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>Import of %1</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>%1 imported (%2); every checksum was verified.</source>
        <translation type="unfinished"></translation>
    </message>
</context>
<context>
    <name>coffre::BrowseDialog</name>
    <message>
        <source>Browse %1</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>&amp;Files</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>&amp;Database</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>De&amp;tails</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>Find files by name or path (%1)</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>Reading the list of files…</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>Select a file to see its first lines.</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>&amp;Extract…</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>Copy the selected files or folders to a folder of your choice, without restoring anything</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>&amp;Compare with current folders</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>Files added, removed and changed in the profile&apos;s folders since this backup</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>Type</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>Schema</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>Name</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>Rows</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>Owner</source>
        <translation type="unfinished"></translation>
    </message>
    <message numerus="yes">
        <source>%n file(s)</source>
        <translation>
            <numerusform>%n file</numerusform>
            <numerusform>%n files</numerusform>
        </translation>
    </message>
    <message>
        <source>This backup holds no database.</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>Reading the dump&apos;s table of contents…</source>
        <translation type="unfinished"></translation>
    </message>
    <message numerus="yes">
        <source>Database %1 (PostgreSQL %2, %3): %n object(s) in the dump; row counts as of the backup.</source>
        <translation>
            <numerusform>Database %1 (PostgreSQL %2, %3): %n object in the dump; row counts as of the backup.</numerusform>
            <numerusform>Database %1 (PostgreSQL %2, %3): %n objects in the dump; row counts as of the backup.</numerusform>
        </translation>
    </message>
    <message>
        <source>The first %1 matches</source>
        <translation type="unfinished"></translation>
    </message>
    <message numerus="yes">
        <source>%n match(es)</source>
        <translation>
            <numerusform>%n match</numerusform>
            <numerusform>%n matches</numerusform>
        </translation>
    </message>
    <message>
        <source>Reading %1…</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>“%1” is a binary file (%2): extract it to open it.</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>
[… only the first %1 of %2 is shown]</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>Extract to</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>Extracting…</source>
        <translation type="unfinished"></translation>
    </message>
    <message numerus="yes">
        <source>Extracted %n item(s) to %1.</source>
        <translation>
            <numerusform>Extracted %n item to %1.</numerusform>
            <numerusform>Extracted %n items to %1.</numerusform>
        </translation>
    </message>
    <message>
        <source>Comparing with the folders as they are now…</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>Since %1: %2 added, %3 removed, %4 changed, %5 unchanged.</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>Not compared, the folder is not there: %1.</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>Added (%1)</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>Removed (%1)</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>Changed (%1)</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>C&amp;hanges</source>
        <translation type="unfinished"></translation>
    </message>
</context>
<context>
    <name>coffre::CleanupDialog</name>
    <message>
        <source>Looking for the copies kept by the last restore…</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>Clean up before-restore copies — %1</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>Copy</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>Kind</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>Size</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>&amp;Remove for good</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>The last restore left no copies.</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>database</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>folder</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>unknown</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>The restore of %1 (%2) kept what it replaced. Removing these copies frees %3 and ends Undo for that restore: they cannot be brought back.</source>
        <translation type="unfinished"></translation>
    </message>
</context>
<context>
    <name>coffre::CreateDialog</name>
    <message>
        <source>Create backup — %1</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>Letters, digits, &apos;-&apos;, &apos;_&apos; and &apos;.&apos;. Empty: the date and time.</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>e.g. before the v2 migration</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>Include</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>Database %1</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>Folder “%1” (%2)</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>Also keep the database as plain &amp;SQL, for reading by eye</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>Compress with &amp;gzip instead of zstd (for old tools; slower)</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>&amp;Name:</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>N&amp;ote:</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>&amp;Create</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>Choose at least one part to back up.</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>The name may use letters, digits, &apos;-&apos;, &apos;_&apos; and &apos;.&apos;, and may not start with &apos;.&apos;.</source>
        <translation type="unfinished"></translation>
    </message>
</context>
<context>
    <name>coffre::FileTreeModel</name>
    <message>
        <source>Link to %1</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>Name</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>Size</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>Modified</source>
        <translation type="unfinished"></translation>
    </message>
</context>
<context>
    <name>coffre::HistoryDialog</name>
    <message>
        <source>History of %1</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>Time</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>Action</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>Outcome</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>Backup</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>Size</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>Took</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>By</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>Message</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>Every action</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>Any outcome</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>OK</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>Failed</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>Canceled</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>Filter: backup, user, message…</source>
        <translation type="unfinished"></translation>
    </message>
    <message numerus="yes">
        <source>%1 of %n line(s)</source>
        <translation>
            <numerusform>%1 of %n line</numerusform>
            <numerusform>%1 of %n lines</numerusform>
        </translation>
    </message>
    <message>
        <source>Reading the audit log…</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>%1 (scheduled)</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>%1 s</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>%1 ms</source>
        <translation type="unfinished"></translation>
    </message>
</context>
<context>
    <name>coffre::JobLauncher</name>
    <message>
        <source>Database password</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>%1

Password for %2:</source>
        <translation type="unfinished"></translation>
    </message>
</context>
<context>
    <name>coffre::JobRow</name>
    <message>
        <source>Cancel</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>Show log…</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>Dismiss</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>Canceling…</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>Log — %1</source>
        <translation type="unfinished"></translation>
    </message>
</context>
<context>
    <name>coffre::JobsPanel</name>
    <message>
        <source>Clear finished</source>
        <translation type="unfinished"></translation>
    </message>
</context>
<context>
    <name>coffre::MainWindow</name>
    <message>
        <source>Coffre</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>&amp;Create backup…</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>&amp;Restore…</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>&amp;Delete…</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>Do&amp;wnload…</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>&amp;Browse</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>&amp;New profile…</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>&amp;Edit profile…</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>&amp;Filter</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>&amp;Quit</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>Back up the database and the source folders of this profile now.</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>&amp;Backups</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>&amp;View</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>&amp;Profile</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>&amp;Help</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>&amp;About Coffre</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>Main</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>The web application whose backups are shown</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>Profile:</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>Filter (%1)</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>&lt;h3&gt;No profile yet&lt;/h3&gt;&lt;p&gt;A profile names the database, the source folders and the backup folder of one web application.&lt;/p&gt;&lt;p&gt;&lt;a href=&quot;new-profile&quot;&gt;Create a profile…&lt;/a&gt;&lt;/p&gt;</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>The backups cannot be listed</source>
        <translation type="unfinished"></translation>
    </message>
    <message numerus="yes">
        <source>&lt;h3&gt;No backup matches “%1”&lt;/h3&gt;&lt;p&gt;Clear the filter to see all %n backup(s).&lt;/p&gt;</source>
        <translation>
            <numerusform>&lt;h3&gt;No backup matches “%1”&lt;/h3&gt;&lt;p&gt;Clear the filter to see the %n backup.&lt;/p&gt;</numerusform>
            <numerusform>&lt;h3&gt;No backup matches “%1”&lt;/h3&gt;&lt;p&gt;Clear the filter to see all %n backups.&lt;/p&gt;</numerusform>
        </translation>
    </message>
    <message>
        <source>Edit profile</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>New profile</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>A profile named “%1” already exists.</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>Profile</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>About Coffre</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>&lt;h3&gt;Coffre %1&lt;/h3&gt;&lt;p&gt;Backs up and restores a web application: its PostgreSQL database, its source folders and its configuration.&lt;/p&gt;</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>Create backup</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>Backup of “%1”</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>%1 created: %2.</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>Quit Coffre</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>&amp;Undo last restore…</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>Restore of %1</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>%1 restored. The previous state is kept (…before_restore_%2); Undo puts it back.</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>%1 restored into the database “%2”.</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>Undo last restore</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>Undo of the last restore</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>The restore of %1 was undone.</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>Interrupted restore</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>A job is running. Cancel it and quit? Nothing half-written is kept.</source>
        <translation type="unfinished"></translation>
    </message>
    <message numerus="yes">
        <source>Delete %n backup(s), %1 in all?</source>
        <translation>
            <numerusform>Delete %n backup, %1 in all?</numerusform>
            <numerusform>Delete %n backups, %1 in all?</numerusform>
        </translation>
    </message>
    <message>
        <source>Among them is a safety copy, made before a restore: it may be the only copy of the data as it was.</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>Delete backups</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>&amp;Delete</source>
        <translation type="unfinished"></translation>
    </message>
    <message numerus="yes">
        <source>Deleting %n backup(s)</source>
        <translation>
            <numerusform>Deleting %n backup</numerusform>
            <numerusform>Deleting %n backups</numerusform>
        </translation>
    </message>
    <message>
        <source>Deleted %1 (%2).</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>&amp;Import…</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>Save the selected backup as one .zip or .tar file, to hand over or copy elsewhere.</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>Add a backup saved with Download… to this profile&apos;s repository.</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>Look inside the selected backup: files, database, details.</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>&amp;Undo…</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>the database %1</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>the folder %1</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>Put back the database and folders as they were before the last restore?</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>The restored state is kept beside them (…undone_…).</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>&amp;Undo the restore</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>This restore is no longer the last one of the profile shown: only the last restore of a profile can be undone.</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>&amp;Refresh</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>C&amp;lean up before-restore copies…</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>Remove for good what the last restore kept aside, to free space; this ends Undo.</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>&amp;Delete profile…</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>%1 on %2</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>Delete profile</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>Cleanup of the copies kept by the restore of %1</source>
        <translation type="unfinished"></translation>
    </message>
    <message numerus="yes">
        <source>Removed %n copy(ies) kept by the restore of %1 (%2 freed).</source>
        <translation>
            <numerusform>Removed %n copy kept by the restore of %1 (%2 freed).</numerusform>
            <numerusform>Removed %n copies kept by the restore of %1 (%2 freed).</numerusform>
        </translation>
    </message>
    <message>
        <source>Copy &amp;off-site</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>&amp;Fetch from off-site</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>Delete off-site cop&amp;y…</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>Send the selected backup to the off-site storage; every checksum is checked.</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>Bring the selected off-site backup into this computer&apos;s backup folder, verified.</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>Clean up &amp;old backups…</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>Keep the last backups, one a day, a week, a month…: see what would go before anything is deleted.</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>&amp;History…</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>Every create, restore, delete… of this repository, by whom, and how it ended.</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>&amp;Schedule…</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>Back up this profile by itself, every day or week, even with the window closed.</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>Off-&amp;site</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>Which copies to show: on this computer, off-site, or both</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>Everywhere</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>Here</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>Off-site</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>Off-site copies not listed: %1</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>&lt;h3&gt;No backups yet&lt;/h3&gt;&lt;p&gt;Backups of this profile will be kept in &lt;tt&gt;%1&lt;/tt&gt;.&lt;/p&gt;&lt;p&gt;Press &lt;b&gt;Create backup&lt;/b&gt; (%2) to make the first one, or let them run by themselves: &lt;b&gt;Profile › Schedule…&lt;/b&gt;&lt;/p&gt;</source>
        <translation type="unfinished"></translation>
    </message>
    <message numerus="yes">
        <source>Clean-up: %n old backup(s)</source>
        <translation>
            <numerusform>Clean-up: %n old backup</numerusform>
            <numerusform>Clean-up: %n old backups</numerusform>
        </translation>
    </message>
    <message numerus="yes">
        <source>Removed %n old backup(s): %1.</source>
        <translation>
            <numerusform>Removed %n old backup: %1.</numerusform>
            <numerusform>Removed %n old backups: %1.</numerusform>
        </translation>
    </message>
    <message>
        <source>Their off-site copies stay.</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>Browse %1</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>%1 is off-site only (%2). Its files can be browsed once it is fetched to this computer, every checksum verified.</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>&amp;Fetch and browse</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>Restore %1</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>%1 is off-site only. Fetch it (%2) into %3, verify every checksum, then choose what to restore?</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>Clean up old off-site &amp;copies…</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>The off-site copies have their own rules: see what would go before anything is deleted.</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>Clean up old off-site copies</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>Undo the restore of %1 made at %2? This puts back as they were before it: %3.</source>
        <translation type="unfinished"></translation>
    </message>
</context>
<context>
    <name>coffre::NotifySettingsWidget</name>
    <message>
        <source>https://hooks.slack.com/services/…</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>ops@example.org, oncall@example.org</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>Also when a scheduled backup &amp;succeeds</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>never</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>Send a &amp;test</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>&amp;Webhook (JSON POST):</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>&amp;Mail to:</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>Warn when the &amp;disk is over:</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>Scheduled backups and drills have nobody watching: their failures and warnings are sent here (mail through this machine&apos;s sendmail). The window also shows them as desktop notifications.</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>Sent: check that it arrived.</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>Give a webhook or a mail address first.</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>A test from the Coffre window: notifications of this profile reach you.</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>Sending…</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>Warn when a part s&amp;hrank by over:</source>
        <translation type="unfinished"></translation>
    </message>
</context>
<context>
    <name>coffre::OffsiteCopies</name>
    <message>
        <source>Off-site copy of %1</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>%1 copied to %2 (%3); every checksum matched.</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>Fetch of %1 from %2</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>%1 fetched (%2); every checksum was verified.</source>
        <translation type="unfinished"></translation>
    </message>
    <message numerus="yes">
        <source>Delete the off-site copy of %n backup(s) from %1, %2 in all?</source>
        <translation>
            <numerusform>Delete the off-site copy of %n backup from %1, %2 in all?</numerusform>
            <numerusform>Delete the off-site copy of %n backups from %1, %2 in all?</numerusform>
        </translation>
    </message>
    <message>
        <source>Some of them are not on this computer: they will be gone for good.</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>Delete off-site copies</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>&amp;Delete off-site</source>
        <translation type="unfinished"></translation>
    </message>
    <message numerus="yes">
        <source>Deleting %n off-site copy(ies)</source>
        <translation>
            <numerusform>Deleting %n off-site copy</numerusform>
            <numerusform>Deleting %n off-site copies</numerusform>
        </translation>
    </message>
    <message>
        <source>Deleted from %1: %2 (%3).</source>
        <translation type="unfinished"></translation>
    </message>
</context>
<context>
    <name>coffre::OffsiteSettingsWidget</name>
    <message>
        <source>AWS (or https://minio.example.org:9000, https://ACCOUNT.r2.cloudflarestorage.com)</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>us-east-1, or AWS_REGION</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>empty: AWS_ACCESS_KEY_ID or ~/.aws/credentials</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>kept in the system keychain, never in the profile</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>only for a private server&apos;s own certificate</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>Choose…</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>CA certificates</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>PEM files (*.pem *.crt);;All files (*)</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>&amp;Copy each new backup off-site, verified, as soon as it is made</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>s3://bucket/uploads: the application&apos;s uploaded files, kept with each backup</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>&amp;Test</source>
        <translation type="unfinished"></translation>
    </message>
    <message numerus="yes">
        <source>Reached %1: %n backup(s) there.</source>
        <translation>
            <numerusform>Reached %1: %n backup there.</numerusform>
            <numerusform>Reached %1: %n backups there.</numerusform>
        </translation>
    </message>
    <message>
        <source>A copy away from this disk survives its loss. Any S3 storage works: AWS, MinIO, Cloudflare R2, Scaleway…</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>Off-site &amp;address:</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>&amp;Endpoint:</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>Re&amp;gion:</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>Access &amp;key:</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>&amp;Secret:</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>CA fi&amp;le:</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>Docu&amp;ments bucket:</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>Give the off-site address first.</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>Connecting…</source>
        <translation type="unfinished"></translation>
    </message>
</context>
<context>
    <name>coffre::ProfileDialog</name>
    <message>
        <source>New profile</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>Edit profile “%1”</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>e.g. shop-production</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>&amp;Database</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>&amp;Backups</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>Profile &amp;name:</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>localhost, a server name, or a socket folder</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>default (5432)</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>default</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>optional: a section of pg_service.conf</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>kept in the system keychain</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>empty: use ~/.pgpass</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>Remember in the system &amp;keychain</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>&amp;Test connection</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>&amp;Host:</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>&amp;Port:</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>&amp;User:</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>SS&amp;L mode:</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>Ser&amp;vice:</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>Pass&amp;word:</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>Label</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>Folder</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>&amp;Add folder…</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>&amp;Remove</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>Left out of every backup (one name or pattern per line):</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>Bro&amp;wse…</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>Backup folder</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>Backup &amp;folder:</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>After a restore, &amp;run:</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>Source folder</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>Connecting…</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>Connected: PostgreSQL %1, database “%2” (%3) as “%4”.</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>S&amp;ource folders</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>This &amp;computer</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>A s&amp;erver, over SSH</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>The application runs on:</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>optional: paste postgresql://user:password@host:5432/database</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>Fill &amp;in</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>DATABASE_U&amp;RL:</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>Dat&amp;abase:</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>Off-s&amp;ite</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>&amp;Notifications</source>
        <translation type="unfinished"></translation>
    </message>
</context>
<context>
    <name>coffre::RepositoryStatusBar</name>
    <message numerus="yes">
        <source>%n backup(s), %1</source>
        <translation>
            <numerusform>%n backup, %1</numerusform>
            <numerusform>%n backups, %1</numerusform>
        </translation>
    </message>
    <message>
        <source>%1 free (%2 % used)</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>The disk holding the backups is %1 % full. Delete old backups or move the repository before a backup fails for lack of space.</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>No profile</source>
        <translation type="unfinished"></translation>
    </message>
    <message numerus="yes">
        <source>Off-site: %n backup(s), %1</source>
        <translation>
            <numerusform>Off-site: %n backup, %1</numerusform>
            <numerusform>Off-site: %n backups, %1</numerusform>
        </translation>
    </message>
</context>
<context>
    <name>coffre::RestoreDialog</name>
    <message>
        <source>Restore %1</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>&lt;b&gt;%1&lt;/b&gt;, made on %2 (%3)%4</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>Restore</source>
        <translation type="unfinished"></translation>
    </message>
    <message numerus="yes">
        <source>The database (%n table(s))</source>
        <translation>
            <numerusform>The database (%n table)</numerusform>
            <numerusform>The database (%n tables)</numerusform>
        </translation>
    </message>
    <message>
        <source>under another name, for inspection:</source>
        <translation type="unfinished"></translation>
    </message>
    <message numerus="yes">
        <source>The folder “%1” into %2 (%n file(s))</source>
        <translation>
            <numerusform>The folder “%1” into %2 (%n file)</numerusform>
            <numerusform>The folder “%1” into %2 (%n files)</numerusform>
        </translation>
    </message>
    <message>
        <source>Keep what is replaced, beside it (…before_restore_…), for Undo</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>Coffre never overwrites: the current database and folders are renamed, not deleted.</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>Measuring what will be replaced…</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>&amp;Restore</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>Will be replaced</source>
        <translation type="unfinished"></translation>
    </message>
    <message numerus="yes">
        <source>The uploaded documents into %1 (%n object(s))</source>
        <translation>
            <numerusform>The uploaded documents into %1 (%n object)</numerusform>
            <numerusform>The uploaded documents into %1 (%n objects)</numerusform>
        </translation>
    </message>
    <message>
        <source>and remove the documents added since the backup (listed below)</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>&lt;b&gt;This replaces what is ticked above with the backup&apos;s.&lt;/b&gt; Sessions open on the database are ended. Stop the application first if you can. Type &lt;b&gt;OUI&lt;/b&gt; (yes, in French) to confirm.</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>&lt;b&gt;This replaces what is ticked above with the backup&apos;s.&lt;/b&gt; Stop the application first if you can. Type &lt;b&gt;OUI&lt;/b&gt; (yes, in French) to confirm.</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>&lt;b&gt;The backup&apos;s database goes into a new database, “%1”: nothing current is replaced.&lt;/b&gt; Type &lt;b&gt;OUI&lt;/b&gt; (yes, in French) to confirm.</source>
        <translation type="unfinished"></translation>
    </message>
</context>
<context>
    <name>coffre::RetentionDialog</name>
    <message>
        <source>Clean up old backups</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>Keep the &amp;last:</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>One a &amp;day, for the last N days:</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>One a &amp;week, for the last N weeks:</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>One a &amp;month, for the last N months:</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>One a &amp;year, for the last N years:</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>Never fewer &amp;than:</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>Backup</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>Date</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>Size</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>Decision</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>&amp;Save these rules in the profile (scheduled backups apply them)</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>&amp;Remove</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>stays: %1</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>goes: %1</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>No rule: every backup stays.</source>
        <translation type="unfinished"></translation>
    </message>
    <message numerus="yes">
        <source>&amp;Remove %n backup(s)</source>
        <translation>
            <numerusform>&amp;Remove %n backup</numerusform>
            <numerusform>&amp;Remove %n backups</numerusform>
        </translation>
    </message>
    <message>
        <source>&amp;Save the rules</source>
        <translation type="unfinished"></translation>
    </message>
    <message numerus="yes">
        <source>%n backup(s) go; %1 freed.</source>
        <translation>
            <numerusform>%n backup goes; %1 freed.</numerusform>
            <numerusform>%n backups go; %1 freed.</numerusform>
        </translation>
    </message>
    <message numerus="yes">
        <source>%n backup(s) stay.</source>
        <translation>
            <numerusform>%n backup stays.</numerusform>
            <numerusform>%n backups stay.</numerusform>
        </translation>
    </message>
</context>
<context>
    <name>coffre::RunNotifications</name>
    <message>
        <source>Scheduled backup of %1 failed</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>Scheduled backup of %1 made, with warnings</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>Scheduled backup of %1 made</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>Backup %1 of %2 looks wrong</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>Coffre: a job of %1 failed</source>
        <translation type="unfinished"></translation>
    </message>
</context>
<context>
    <name>coffre::ScheduleDialog</name>
    <message>
        <source>Schedule of %1</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>&amp;Not scheduled</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>Every &amp;hour, on the hour</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>Every &amp;day at</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>Every &amp;week on</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>The server runs the backup itself, with its own coffre-cli, then removes the backups its retention lets go.</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>This computer runs the backup with coffre-cli, even with the window closed, then removes the backups the retention lets go.</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>A run missed while the machine was off happens when it starts again (a systemd timer; cron where there is no systemd).</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>%1 is backed up %2.</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>%1 is no longer scheduled.</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>To finish, run this in a terminal of %1:</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>Then prove the latest backup &amp;restorable (a restore drill) every</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source> days</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>Then %1.</source>
        <translation type="unfinished"></translation>
    </message>
</context>
<context>
    <name>coffre::ScheduleStatus</name>
    <message>
        <source>Scheduled %1</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>Not scheduled</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>OK</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>OK with warnings</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>canceled</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>FAILED</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>last: %1 %2</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>next: %1</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>Backups of %1 run by themselves %2 (coffre-cli --profile %1 schedule show).</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>Profile › Schedule…, or coffre-cli --profile %1 schedule set --daily 02:30, makes backups run by themselves.</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>Last run: %1</source>
        <translation type="unfinished"></translation>
    </message>
</context>
<context>
    <name>coffre::ServerSettingsWidget</name>
    <message>
        <source>user@host, or a Host of ~/.ssh/config</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>default (22, or as in ~/.ssh/config)</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>optional: ssh&apos;s own choice (agent, ~/.ssh/config)</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>Choose a &amp;file…</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>optional: the only profile there</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>&amp;Test connection</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>SSH &amp;key file:</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>The server</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>SSH &amp;destination:</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>SSH p&amp;ort:</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>Profile on the ser&amp;ver:</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>coffre-cli &amp;path on the server:</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>SSH key file</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>Give the SSH destination first.</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>Connecting to %1…</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>Connected: coffre-cli %1 on %2.</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>Reading the host key of %1…</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>Not connected: the host key of %1 was not trusted.</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>The authenticity of %1 (%2) cannot be established yet.</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>Unknown server</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>Compare with the fingerprint the server&apos;s administrator gives you, or with what this prints on the server:</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>Trust this server?</source>
        <translation type="unfinished"></translation>
    </message>
</context>
<context>
    <name>main</name>
    <message>
        <source>Back up and restore a web application.</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>Open this profile.</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>Save a picture of the window and quit.</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>With --screenshot: picture this dialog (create, restore, undo, browse, history, profile, profile-offsite, schedule, retention).</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>No profile is named “%1”.</source>
        <translation type="unfinished"></translation>
    </message>
</context>
</TS>

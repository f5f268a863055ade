#include "TestBundles.h"

#include "catalog/ManifestWriter.h"
#include "jobs/BackupJob.h"

#include <QCryptographicHash>
#include <QDir>
#include <QDirIterator>
#include <QFile>
#include <QProcess>

#include <archive.h>
#include <archive_entry.h>
#include <unistd.h>

namespace coffre::test {
namespace {

QByteArray contentOf(const QString& path, qint64 bytes)
{
    QByteArray content;
    content.reserve(bytes);
    const QByteArray seed = path.toUtf8() + '\n';
    while (content.size() < bytes)
        content += seed;
    content.truncate(bytes);
    return content;
}

QList<QPair<QString, qint64>> filesOf(const BundleSpec& spec)
{
    QList<QPair<QString, qint64>> files{{QStringLiteral("database.dump"), spec.dumpBytes}};
    for (const QString& label : spec.sourceLabels)
        files.append({QStringLiteral("sources/%1.tar.zst").arg(label), 300 + label.size()});
    files.append({QStringLiteral("RESTORE_INSTRUCTIONS.md"), 120});
    return files;
}

} // namespace

void writeFile(const QString& path, const QByteArray& content)
{
    QDir().mkpath(QFileInfo(path).absolutePath());
    QFile file(path);
    if (!file.open(QIODevice::WriteOnly | QIODevice::Truncate) || file.write(content) != content.size())
        qFatal("cannot write test file %s", qPrintable(path));
}

QByteArray readFile(const QString& path)
{
    QFile file(path);
    return file.open(QIODevice::ReadOnly) ? file.readAll() : QByteArray("<missing>");
}

Manifest manifestFor(const BundleSpec& spec)
{
    Manifest m;
    m.name = spec.name;
    m.kind = spec.kind;
    m.created = spec.created.toUTC();
    m.finished = m.created.addSecs(7);
    m.durationMs = 7000;
    m.coffreVersion = QStringLiteral("0.1.0");
    m.host = QStringLiteral("test-host");
    m.profile = QStringLiteral("shop");
    m.note = spec.note;
    DatabasePart db;
    db.name = QStringLiteral("shop");
    db.serverVersion = QStringLiteral("15.18");
    db.pgDumpVersion = QStringLiteral("15.18");
    db.sizeBytes = 8 * 1024 * 1024;
    db.file = QStringLiteral("database.dump");
    db.durationMs = 4000;
    db.tables = {{QStringLiteral("public"), QStringLiteral("customers"), 2000},
                 {QStringLiteral("public"), QStringLiteral("orders"), 10000}};
    m.database = db;
    for (const QString& label : spec.sourceLabels) {
        SourcePart s;
        s.label = label;
        s.path = QStringLiteral("/srv/app/") + label;
        s.archive = QStringLiteral("sources/%1.tar.zst").arg(label);
        s.fileCount = 42;
        s.bytes = 123456;
        s.exclusions = {QStringLiteral("node_modules"), QStringLiteral("*.log")};
        s.durationMs = 800;
        m.sources.append(s);
    }
    for (const auto& [path, size] : filesOf(spec)) {
        const QByteArray content = contentOf(path, size);
        m.files.append({path, size, QString::fromLatin1(QCryptographicHash::hash(content, QCryptographicHash::Sha256).toHex())});
    }
    return m;
}

QString writeCompleteBundle(const QString& repository, const BundleSpec& spec)
{
    const QString dir = QDir(repository).filePath(spec.name);
    for (const auto& [path, size] : filesOf(spec))
        writeFile(QDir(dir).filePath(path), contentOf(path, size));
    const Status written = ManifestWriter::writeToBundle(manifestFor(spec), dir);
    if (!written)
        qFatal("cannot write manifest: %s", qPrintable(written.error().toLogString()));
    return dir;
}

QString writeIncompleteBundle(const QString& repository, const QString& name, qint64 bytes)
{
    const QString dir = QDir(repository).filePath(name);
    writeFile(QDir(dir).filePath(QStringLiteral("database.dump")), contentOf(name, bytes));
    return dir;
}

QString writeDamagedBundle(const QString& repository, const QString& name)
{
    const QString dir = QDir(repository).filePath(name);
    writeFile(QDir(dir).filePath(QStringLiteral("database.dump")), contentOf(name, 200));
    writeFile(QDir(dir).filePath(QStringLiteral("manifest.json")), "{\"format\": 1, \"name\": ");
    return dir;
}

void writeSampleTree(const QString& root)
{
    writeFile(root + QStringLiteral("/package.json"), "{\"name\": \"shop\", \"version\": \"1.0.0\"}\n");
    writeFile(root + QStringLiteral("/.env"), "DATABASE_URL=postgresql://localhost/shop\nSECRET=s3cr3t\n");
    writeFile(root + QStringLiteral("/src/app.js"), "console.log('hello');\n");
    writeFile(root + QStringLiteral("/src/lib/util.js"), "export const two = 2;\n");
    writeFile(root + QStringLiteral("/prisma/schema.prisma"), "model User { id Int @id }\n");
    writeFile(root + QStringLiteral("/prisma/migrations/001_init/migration.sql"), "CREATE TABLE users (id int);\n");
    QByteArray logo(3000, Qt::Uninitialized);
    for (int i = 0; i < logo.size(); ++i)
        logo[i] = char(i * 7 % 256); // holds NUL bytes: binary
    writeFile(root + QStringLiteral("/public/logo.png"), logo);
    writeFile(root + QStringLiteral("/logs/big.txt"), contentOf(QStringLiteral("a line of a big log file"), 1536 * 1024));
    writeFile(root + QStringLiteral("/node_modules/left-pad/index.js"), "module.exports = 1;\n");
    QFile::link(QStringLiteral("src/app.js"), root + QStringLiteral("/main.js"));
}

Backup makeSourcesBackup(const QString& repository, const QList<SourceRoot>& sources, const QString& name)
{
    BackupRequest request;
    request.profile.name = QStringLiteral("test");
    request.profile.repository = repository;
    request.profile.sources = sources;
    request.includeDatabase = false;
    request.name = name;
    JobControl control;
    Result<Backup> backup = BackupJob::run(request, control);
    if (!backup)
        qFatal("cannot make a backup: %s", qPrintable(backup.error().toLogString()));
    return *backup;
}

QString firstArchiveFile(const Manifest& manifest, const QString& label)
{
    for (const SourcePart& source : manifest.sources) {
        if (source.label == label)
            return source.archiveFiles().first();
    }
    return {};
}

QString catArchiveCommand(const Manifest& manifest, const QString& label)
{
    QStringList commands;
    for (const SourcePart& source : manifest.sources) {
        if (source.label != label)
            continue;
        for (const QString& file : source.archiveFiles())
            commands << QStringLiteral("zstd -dc '%1'").arg(file);
    }
    // Each pack is a whole tar; `tar -i` reads on past each one's end-of-archive blocks.
    return QStringLiteral("{ %1; }").arg(commands.join(QStringLiteral("; ")));
}

QMap<QString, QByteArray> treeContents(const QString& root)
{
    QMap<QString, QByteArray> files;
    QDirIterator it(root, QDir::Files | QDir::System | QDir::Hidden | QDir::NoDotAndDotDot, QDirIterator::Subdirectories);
    while (it.hasNext()) {
        const QFileInfo info(it.next());
        const QString path = QDir(root).relativeFilePath(info.filePath());
        if (info.isSymLink()) {
            QByteArray target(4096, Qt::Uninitialized);
            const ssize_t length = ::readlink(QFile::encodeName(info.filePath()).constData(), target.data(), size_t(target.size()));
            files.insert(path, "-> " + target.left(qMax<ssize_t>(length, 0)));
            continue;
        }
        QFile file(info.filePath());
        files.insert(path, file.open(QIODevice::ReadOnly) ? file.readAll() : QByteArray("<unreadable>"));
    }
    return files;
}

QString writeTar(const QString& path, const QList<Entry>& entries)
{
    archive* a = archive_write_new();
    archive_write_set_format_pax_restricted(a);
    archive_write_open_filename(a, QFile::encodeName(path).constData());
    for (const Entry& e : entries) {
        archive_entry* entry = archive_entry_new();
        archive_entry_set_pathname(entry, e.path.constData());
        archive_entry_set_perm(entry, 0644);
        if (e.hardlink) {
            archive_entry_set_hardlink(entry, e.content.constData());
        } else {
            archive_entry_set_filetype(entry, e.type);
            if (e.type == AE_IFLNK)
                archive_entry_set_symlink(entry, e.content.constData());
            if (e.type == AE_IFREG)
                archive_entry_set_size(entry, e.content.size());
        }
        archive_write_header(a, entry);
        if (e.type == AE_IFREG && !e.hardlink)
            archive_write_data(a, e.content.constData(), size_t(e.content.size()));
        archive_entry_free(entry);
    }
    archive_write_close(a);
    archive_write_free(a);
    return path;
}

CliRun runCli(const QString& program, const QStringList& arguments, const QString& configHome)
{
    QProcess process;
    QProcessEnvironment env = QProcessEnvironment::systemEnvironment();
    env.insert(QStringLiteral("XDG_CONFIG_HOME"), configHome);
    process.setProcessEnvironment(env);
    process.start(program, arguments);
    if (!process.waitForFinished(120000))
        qFatal("%s did not finish", qPrintable(program));
    return {process.exitCode(), process.readAllStandardOutput(), QString::fromUtf8(process.readAllStandardError())};
}

bool processRunning(const QString& pattern)
{
    return QProcess::execute(QStringLiteral("pgrep"), {QStringLiteral("-f"), pattern}) == 0;
}

QByteArray aws(const QStringList& arguments)
{
    QProcess process;
    process.setProcessChannelMode(QProcess::MergedChannels);
    process.start(QStringLiteral("/usr/bin/aws"),
                  QStringList{QStringLiteral("--endpoint-url"), qEnvironmentVariable("COFFRE_TEST_S3_ENDPOINT")} + arguments);
    process.waitForFinished(120000);
    return process.readAll();
}

QByteArray awsOutput(const QStringList& arguments, int* exitCode)
{
    QProcess process;
    process.setProcessChannelMode(QProcess::SeparateChannels);
    process.start(QStringLiteral("/usr/bin/aws"),
                  QStringList{QStringLiteral("--endpoint-url"), qEnvironmentVariable("COFFRE_TEST_S3_ENDPOINT")} + arguments);
    process.waitForFinished(120000);
    if (exitCode)
        *exitCode = process.exitCode();
    if (process.exitCode() != 0)
        qWarning("aws %s: %s", qPrintable(arguments.join(u' ')), process.readAllStandardError().constData());
    return process.readAllStandardOutput();
}

int runProgram(const QString& program, const QStringList& arguments, QByteArray* output, int timeoutMs)
{
    QProcess process;
    process.start(program, arguments);
    process.waitForFinished(timeoutMs);
    if (output)
        *output = process.readAllStandardOutput();
    const int code = process.exitStatus() == QProcess::NormalExit ? process.exitCode() : -1;
    if (code != 0)
        qWarning("%s: %s", qPrintable(program), process.readAllStandardError().constData());
    return code;
}

bool flipByte(const QString& path, qint64 at, char mask)
{
    QFile file(path);
    if (!file.open(QIODevice::ReadWrite))
        return false;
    const qint64 position = at < 0 ? file.size() + at : at;
    char c = 0;
    if (!file.seek(position) || !file.getChar(&c) || !file.seek(position))
        return false;
    return file.putChar(char(c ^ mask));
}

} // namespace coffre::test

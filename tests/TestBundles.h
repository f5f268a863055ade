#pragma once

#include "catalog/Backup.h"
#include "catalog/Manifest.h"
#include "profile/Profile.h"

#include <QDateTime>

#include <sys/types.h>
#include <QString>

namespace coffre::test {

// Writes bundles into a repository folder the way BackupJob lays them out, with real files
// and real SHA-256 checksums, so the catalog, the model, the window and the CLI all see
// genuine repositories.
struct BundleSpec
{
    QString name;
    QDateTime created = QDateTime::currentDateTimeUtc();
    qint64 dumpBytes = 1000;        // size of database.dump
    QStringList sourceLabels = {QStringLiteral("backend"), QStringLiteral("frontend")};
    BackupKind kind = BackupKind::Manual;
    QString note;
};

// A manifest matching `spec`, without touching the disk (for parser tests).
Manifest manifestFor(const BundleSpec& spec);

// A complete bundle: files, then the manifest. Returns the bundle folder.
QString writeCompleteBundle(const QString& repository, const BundleSpec& spec);
// A folder with some files and no manifest, as a run killed halfway leaves it.
QString writeIncompleteBundle(const QString& repository, const QString& name, qint64 bytes = 500);
// A folder whose manifest is not valid JSON.
QString writeDamagedBundle(const QString& repository, const QString& name);

// A small web application's folder: text files, a binary file, a 1.5 MB file, nested folders,
// a link inside the tree, and a node_modules that the default exclusions leave out.
void writeSampleTree(const QString& root);
// A real backup of `sources` only (no database), made by BackupJob; fails the process if it cannot.
Backup makeSourcesBackup(const QString& repository, const QList<SourceRoot>& sources, const QString& name);
// Every file of a folder (relative path → bytes), links as "-> target": to compare two trees.
QMap<QString, QByteArray> treeContents(const QString& root);
// The bundle path of the first file holding the source root `label` (its first pack, or its one
// archive): what a test damages or forges.
QString firstArchiveFile(const Manifest& manifest, const QString& label);
// A shell command that writes the tar stream of `label`'s packs (or archive) on stdout, with
// standard tools only, run from the bundle folder: what RESTORE_INSTRUCTIONS.md tells people.
QString catArchiveCommand(const Manifest& manifest, const QString& label);

// One entry of a tar made by writeTar: any name at all, which is the point (hostile archives).
struct Entry
{
    QByteArray path;
    mode_t type = 0100000; // AE_IFREG
    QByteArray content;    // file content, or the link target
    bool hardlink = false;
};
QString writeTar(const QString& path, const QList<Entry>& entries);

// A run of coffre-cli with its own settings folder.
struct CliRun
{
    int status = -1;
    QByteArray out;
    QString err;
};
CliRun runCli(const QString& program, const QStringList& arguments, const QString& configHome);

// Debian's AWS CLI against the S3 fixture (COFFRE_TEST_S3_ENDPOINT, the fixture's credentials
// file): the independent client of the off-site tests. Returns its output, errors included.
QByteArray aws(const QStringList& arguments);
// The same, its standard output alone (s3api's JSON), its exit status in `exitCode`; a failure's
// errors go to the test's log.
QByteArray awsOutput(const QStringList& arguments, int* exitCode = nullptr);

// Writes `content` at `path`, making the folders; a failure ends the test run.
void writeFile(const QString& path, const QByteArray& content);
// A file's content, or "<missing>".
QByteArray readFile(const QString& path);

// Whether a process whose command line matches `pattern` (pgrep -f) runs on this machine.
bool processRunning(const QString& pattern);

// Runs a program to its end: its exit status (-1 when it crashed or ran out of time), its
// standard output in `output` when given; what it said on stderr is logged when it fails.
int runProgram(const QString& program, const QStringList& arguments, QByteArray* output = nullptr, int timeoutMs = 300000);

// Damages a file as a bad disk would: flips bits of the byte at `at` (negative: from the end).
bool flipByte(const QString& path, qint64 at, char mask = 0x01);

} // namespace coffre::test

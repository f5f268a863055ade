#include "PasswordVault.h"

#include <qt6keychain/keychain.h>

namespace coffre {
namespace {

const QString ServiceName = QStringLiteral("Coffre");


Error jobError(const QKeychain::Job* job)
{
    if (job->error() == QKeychain::EntryNotFound)
        return Error{PasswordVault::tr("No password is stored in the keychain for this profile."), job->errorString()};
    if (job->error() == QKeychain::NoBackendAvailable || job->error() == QKeychain::AccessDenied ||
        job->error() == QKeychain::AccessDeniedByUser)
        return Error{PasswordVault::tr("The system keychain is not available; the password is kept for this session only."),
                     job->errorString()};
    return Error{PasswordVault::tr("The system keychain failed."), job->errorString()};
}

} // namespace

void PasswordVault::read(const QString& profile, QObject* context, ReadCallback done)
{
    readEntry(profileEntry(profile), context, std::move(done));
}

void PasswordVault::write(const QString& profile, const QString& password, QObject* context, DoneCallback done)
{
    writeEntry(profileEntry(profile), password, context, std::move(done));
}

void PasswordVault::readEntry(const QString& entry, QObject* context, ReadCallback done)
{
    auto* job = new QKeychain::ReadPasswordJob(ServiceName);
    job->setKey(entry);
    QObject::connect(job, &QKeychain::Job::finished, context, [done = std::move(done)](QKeychain::Job* finished) {
        auto* reader = static_cast<QKeychain::ReadPasswordJob*>(finished);
        if (reader->error() != QKeychain::NoError)
            done(jobError(reader));
        else
            done(reader->textData());
    });
    job->start();
}

void PasswordVault::writeEntry(const QString& entry, const QString& password, QObject* context, DoneCallback done)
{
    auto* job = new QKeychain::WritePasswordJob(ServiceName);
    job->setKey(entry);
    job->setTextData(password);
    QObject::connect(job, &QKeychain::Job::finished, context, [done = std::move(done)](QKeychain::Job* finished) {
        done(finished->error() == QKeychain::NoError ? Status() : Status(jobError(finished)));
    });
    job->start();
}

void PasswordVault::remove(const QString& profile, QObject* context, DoneCallback done)
{
    auto* job = new QKeychain::DeletePasswordJob(ServiceName);
    job->setKey(profileEntry(profile));
    QObject::connect(job, &QKeychain::Job::finished, context, [done = std::move(done)](QKeychain::Job* finished) {
        done(finished->error() == QKeychain::NoError || finished->error() == QKeychain::EntryNotFound
                 ? Status()
                 : Status(jobError(finished)));
    });
    job->start();
}

} // namespace coffre

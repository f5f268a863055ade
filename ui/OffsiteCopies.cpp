#include "OffsiteCopies.h"

#include "JobLauncher.h"
#include "offsite/OffsiteStore.h"
#include "profile/PasswordVault.h"
#include "util/HumanSize.h"

#include <QFutureWatcher>
#include <QMessageBox>
#include <QPushButton>

namespace coffre {

namespace {
QHash<QString, QString>& sessionSecrets()
{
    static QHash<QString, QString> secrets;
    return secrets;
}
} // namespace

OffsiteCopies::OffsiteCopies(JobLauncher* launcher, QWidget* dialogParent)
    : QObject(dialogParent), m_launcher(launcher), m_dialogParent(dialogParent)
{
}

void OffsiteCopies::rememberSecret(const QString& accessKeyId, const QString& secret)
{
    sessionSecrets().insert(accessKeyId, secret);
}

QString OffsiteCopies::knownSecret(const QString& accessKeyId)
{
    return sessionSecrets().value(accessKeyId);
}

void OffsiteCopies::setProfile(const Profile& profile)
{
    m_profile = profile;
    m_backups.clear();
    ++m_generation;
    emit listed();
    if (!active())
        return;
    // The cached list first (no network: instant), then the storage's own.
    auto* watcher = new QFutureWatcher<QList<Backup>>(this);
    connect(watcher, &QFutureWatcherBase::finished, this, [this, watcher, generation = m_generation] {
        watcher->deleteLater();
        if (generation != m_generation)
            return;
        m_backups = watcher->result();
        emit listed();
        refresh();
    });
    watcher->setFuture(runInBackground([location = m_profile.offsite] { return OffsiteStore::cachedList(location); }));
}

void OffsiteCopies::withSecret(const std::function<void(const QString&)>& then)
{
    const QString key = m_profile.offsite.accessKeyId;
    if (key.isEmpty() || sessionSecrets().contains(key)) {
        then(sessionSecrets().value(key));
        return;
    }
    PasswordVault::readEntry(PasswordVault::offsiteEntry(key), this, [key, then](const Result<QString>& secret) {
        if (secret)
            sessionSecrets().insert(key, *secret);
        then(secret ? *secret : QString());
    });
}

void OffsiteCopies::refresh()
{
    if (!active())
        return;
    withSecret([this, generation = m_generation](const QString& secret) {
        auto* watcher = new QFutureWatcher<Result<QList<Backup>>>(this);
        connect(watcher, &QFutureWatcherBase::finished, this, [this, watcher, generation] {
            watcher->deleteLater();
            if (generation != m_generation)
                return;
            const Result<QList<Backup>> listed = watcher->result();
            if (!listed) {
                emit listFailed(listed.error().message);
                return;
            }
            m_backups = *listed;
            emit this->listed();
        });
        watcher->setFuture(runOnOffsiteStore<QList<Backup>>(m_profile.offsite, secret, nullptr, [](OffsiteStore& store) { return store.list(); }));
    });
}

void OffsiteCopies::copyOffsite(const Backup& local)
{
    withSecret([this, local](const QString& secret) {
        m_launcher->launch<Backup>(
            tr("Off-site copy of %1").arg(local.name), m_profile, false,
            [location = m_profile.offsite, secret, local](const QString&, std::shared_ptr<JobControl> control) {
                return runOnOffsiteStore<Backup>(location, secret, control, [local](OffsiteStore& store) { return store.upload(local); });
            },
            [where = placeName()](const Backup& copy) {
                return tr("%1 copied to %2 (%3); every checksum matched.").arg(copy.name, where, humanSize(copy.sizeBytes));
            },
            {});
    });
}

void OffsiteCopies::fetch(const Backup& offsite, std::function<void(const Backup&)> then)
{
    withSecret([this, offsite, then](const QString& secret) {
        m_launcher->launch<Backup>(
            tr("Fetch of %1 from %2").arg(offsite.name, placeName()), m_profile, false,
            [location = m_profile.offsite, secret, name = offsite.name, repository = m_profile.repository](
                const QString&, std::shared_ptr<JobControl> control) {
                return runOnOffsiteStore<Backup>(location, secret, control,
                                                 [name, repository](OffsiteStore& store) { return store.download(name, repository); });
            },
            [](const Backup& fetched) {
                return tr("%1 fetched (%2); every checksum was verified.").arg(fetched.name, humanSize(fetched.sizeBytes));
            },
            [then](JobRow*, const Backup& fetched) {
                if (then)
                    then(fetched);
            });
    });
}

void OffsiteCopies::removeOffsite(const QList<Backup>& backups)
{
    QStringList names;
    qint64 bytes = 0;
    bool only = false; // a copy that exists nowhere else
    for (const Backup& backup : backups) {
        if (!backup.offsite)
            continue;
        names << backup.name;
        bytes += backup.sizeBytes;
        only |= !backup.here;
    }
    if (names.isEmpty())
        return;
    QString text = tr("Delete the off-site copy of %n backup(s) from %1, %2 in all?", nullptr, int(names.size())).arg(placeName(), humanSize(bytes))
                   + QStringLiteral("\n\n") + names.join(u'\n');
    if (only)
        text += QStringLiteral("\n\n") + tr("Some of them are not on this computer: they will be gone for good.");
    QMessageBox box(QMessageBox::Warning, tr("Delete off-site copies"), text, QMessageBox::Cancel, m_dialogParent);
    box.setObjectName(QStringLiteral("deleteOffsiteConfirmation"));
    QAbstractButton* remove = box.addButton(tr("&Delete off-site"), QMessageBox::DestructiveRole);
    box.setDefaultButton(QMessageBox::Cancel);
    box.exec();
    if (box.clickedButton() == remove)
        removeNames(names, bytes);
}

void OffsiteCopies::removeNames(const QStringList& names, qint64 bytes)
{
    withSecret([this, names, bytes](const QString& secret) {
        m_launcher->launch<bool>(
            tr("Deleting %n off-site copy(ies)", nullptr, int(names.size())), m_profile, false,
            [location = m_profile.offsite, secret, names](const QString&, std::shared_ptr<JobControl> control) {
                return runOnOffsiteStore<bool>(location, secret, control, [names](OffsiteStore& store) -> Result<bool> {
                    for (const QString& name : names)
                        if (Status removed = store.remove(name); !removed)
                            return removed.error();
                    return true;
                });
            },
            [names, bytes, where = placeName()](const bool&) {
                return tr("Deleted from %1: %2 (%3).").arg(where, names.join(QStringLiteral(", ")), humanSize(bytes));
            },
            {});
    });
}

} // namespace coffre

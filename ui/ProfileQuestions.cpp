#include "ProfileQuestions.h"

#include <QDir>
#include <QFile>
#include <QFileInfo>
#include <QMessageBox>
#include <QPushButton>

namespace coffre {

bool ProfileQuestions::confirmDeletion(QWidget* parent, const QString& name, const QString& repository)
{
    QString text = tr("Delete the profile “%1”?").arg(name) + QStringLiteral("\n\n");
    text += repository.isEmpty() ? tr("Its backups are not deleted.")
                                 : tr("Its backups are not deleted: they stay in %1.").arg(repository);
    text += u' ' + tr("A database password kept in the system keychain for it is removed.");
    QMessageBox box(QMessageBox::Warning, tr("Delete profile"), text, QMessageBox::Cancel, parent);
    box.setObjectName(QStringLiteral("deleteProfileConfirmation"));
    QPushButton* remove = box.addButton(tr("&Delete profile"), QMessageBox::DestructiveRole);
    box.setDefaultButton(QMessageBox::Cancel);
    box.exec();
    return box.clickedButton() == static_cast<QAbstractButton*>(remove);
}

bool ProfileQuestions::offerToCreateRepository(QWidget* parent, const QString& path)
{
    if (path.isEmpty() || QFileInfo(path).isDir())
        return true;
    QMessageBox box(QMessageBox::Question, tr("Backup folder"),
                    tr("The backup folder %1 does not exist. Create it now (readable by you only)?").arg(path),
                    QMessageBox::Yes | QMessageBox::No, parent);
    box.setObjectName(QStringLiteral("createRepositoryQuestion"));
    box.setDefaultButton(QMessageBox::Yes);
    if (box.exec() != QMessageBox::Yes)
        return true; // kept as is: the first backup creates it, or it is on a disk not mounted now
    // Backups hold the whole database: 0700, whatever the umask.
    if (!QDir().mkpath(path) ||
        !QFile::setPermissions(path, QFileDevice::ReadOwner | QFileDevice::WriteOwner | QFileDevice::ExeOwner)) {
        QMessageBox::warning(parent, tr("Backup folder"), tr("The folder %1 could not be created.").arg(path));
        return false;
    }
    return true;
}

} // namespace coffre

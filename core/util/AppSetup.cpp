#include "AppSetup.h"

#include "Version.h"
#include "postgres/PassFile.h"

#include <QCoreApplication>
#include <QLibraryInfo>
#include <QLocale>
#include <QTranslator>

namespace coffre {

void setUpApplication(QCoreApplication& app)
{
    QCoreApplication::setOrganizationName(QString());
    QCoreApplication::setApplicationName(QStringLiteral("coffre"));
    PassFile::removeLeftovers(); // a killed run's password file must not stay in /tmp
    QCoreApplication::setApplicationVersion(QLatin1String(Version));

    auto* qtTranslator = new QTranslator(&app);
    if (qtTranslator->load(QLocale(), QStringLiteral("qtbase"), QStringLiteral("_"),
                           QLibraryInfo::path(QLibraryInfo::TranslationsPath)))
        QCoreApplication::installTranslator(qtTranslator);
    auto* translator = new QTranslator(&app);
    // Without a French or English locale (LANG unset, "C"), English: it carries the plural forms.
    if (translator->load(QLocale(), QStringLiteral("coffre"), QStringLiteral("_"), QStringLiteral(":/i18n")) ||
        translator->load(QStringLiteral("coffre_en"), QStringLiteral(":/i18n")))
        QCoreApplication::installTranslator(translator);
}

} // namespace coffre

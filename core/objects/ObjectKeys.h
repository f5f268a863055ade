#pragma once

#include <QString>
#include <QStringList>

namespace coffre::ObjectKeys {

// How the objects of a bucket are named inside a bundle's objects/<label>.tar.zst (docs/FORMAT.md).
// Object keys are any UTF-8 ("../x", "a//b", "folder/", quotes, control characters), tar entry
// names must be safe for anyone who extracts the archive by hand: a key that is a plain relative
// path is stored as "objects/<key without prefix>", any other as "other-keys/<n>", and the
// manifest always says which key each entry holds. A restore takes the key from the manifest,
// never a path from the archive.

// A relative key that a file system takes as it is: non-empty segments, none "." or "..", none
// longer than 255 bytes, no control character, no backslash.
bool isPlain(const QString& relativeKey);

// The entry name of each relative key (in the order given), "" where "objects/<key>" serves: a
// plain key that is also the folder of another key ("a" beside "a/b") is not, two such entries
// could not both be extracted.
QStringList entryNames(const QStringList& relativeKeys);

// "other-keys/<n>": the only form an entry name other than "objects/…" may take.
bool isOtherKeyEntry(const QString& entry);

} // namespace coffre::ObjectKeys

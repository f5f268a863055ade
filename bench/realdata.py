#!/usr/bin/env python3
"""Writes COPY rows (path, body) of real text files of this machine, for a text-heavy table."""
import os
import sys

roots = sys.argv[1:] or ["/usr/include", "/usr/share/doc", "/usr/lib/python3"]


def escape(text):
    return text.replace("\\", "\\\\").replace("\t", "\\t").replace("\n", "\\n").replace("\r", "\\r")


for root in roots:
    for folder, _, files in os.walk(root):
        for name in files:
            path = os.path.join(folder, name)
            try:
                if os.path.islink(path) or os.path.getsize(path) > 2_000_000:
                    continue
                text = open(path, "rb").read().decode("utf-8")
            except Exception:
                continue
            if "\x00" not in text:
                sys.stdout.write(escape(path) + "\t" + escape(text) + "\n")

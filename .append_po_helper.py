"""Append translations to locale/<lang>/LC_MESSAGES/django.po for msgids not yet there."""

import importlib.util, re, subprocess, sys

spec = importlib.util.spec_from_file_location("ns", sys.argv[1])
ns = importlib.util.module_from_spec(spec)
spec.loader.exec_module(ns)
import os

base = os.path.join(os.getcwd(), "locale")


def q(t):
    return '"' + t.replace("\\", "\\\\").replace('"', '\\"').replace("\n", "\\n") + '"'


for lang in ("nl", "ar", "uk"):
    path = f"{base}/{lang}/LC_MESSAGES/django.po"
    existing = open(path, encoding="utf-8").read()
    have = set()
    # msgids present (single-line form is enough when we compare via msgcat later; use msggrep-like parse)
    out = []
    for msgid, tr in ns.S.items():
        if f"\nmsgid {q(msgid)}\n" in existing:
            continue
        fmt = "#, python-format\n" if re.search(r"%\(|%d|%s", msgid) else ""
        out.append(f"{fmt}msgid {q(msgid)}\nmsgstr {q(tr[lang])}\n")
    for (one, many), tr in ns.P.items():
        if f"\nmsgid {q(one)}\n" in existing:
            continue
        lines = [f"#, python-format\nmsgid {q(one)}\nmsgid_plural {q(many)}"]
        for i, form in enumerate(tr[lang]):
            lines.append(f"msgstr[{i}] {q(form)}")
        out.append("\n".join(lines) + "\n")
    if out:
        with open(path, "a", encoding="utf-8") as f:
            f.write("\n" + "\n".join(out))
    print(lang, len(out))

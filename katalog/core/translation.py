"""Compile the interface catalogues; Russian fills the gaps of the other member-state languages.

The working language of the interstate bodies is Russian, so a cataloguer reading the interface
in Kazakh, Kyrgyz, Armenian, Belarusian, Tajik or Uzbek should see Russian, not English, where a
string is not translated yet. The `.po` files stay as the translators left them (untranslated
entries have an empty msgstr, so translation tools count them honestly); the fallback is made
when compiling: each of those languages' `.mo` gets the Russian text for every message it lacks,
unless Django or an installed app already translates that message into the language (Django's
own Kazakh "Password" beats a Russian fallback). English comes last, as the source string gettext
returns when even Russian has no translation.

Build with `katalog i18n-build` (not plain `compilemessages`, which would leave the gaps to
Django's runtime fallback to LANGUAGE_CODE, i.e. to whatever language a deployment defaults to).
"""

from __future__ import annotations

import ast
import gettext
import shutil
import struct
import subprocess
from collections import Counter, defaultdict
from collections.abc import Callable
from dataclasses import dataclass, field
from pathlib import Path

import django
from django.apps import apps
from django.conf import settings

FALLBACK_SOURCE = "ru"
FALLBACK_LANGUAGES = ("kk", "ky", "hy", "be", "tg", "uz")
DOMAIN = "django"

_MO_MAGIC = 0x950412DE
# Plural-Forms evaluated on these counts to find which Russian form stands for each own form.
_SAMPLE_COUNTS = range(1, 200)

Catalogue = dict[bytes, bytes]


def locale_dir() -> Path:
    return Path(settings.LOCALE_PATHS[0])


def catalogue_path(directory: Path, language: str, suffix: str) -> Path:
    return directory / language / "LC_MESSAGES" / f"{DOMAIN}.{suffix}"


@dataclass
class PoEntry:
    """One message of a `.po` file, as far as checks and coverage reports need it."""

    msgid: str
    msgid_plural: str = ""
    msgctxt: str = ""
    msgstrs: list[str] = field(default_factory=list)
    flags: set[str] = field(default_factory=set)

    @property
    def translated(self) -> bool:
        return bool(self.msgstrs) and all(self.msgstrs) and "fuzzy" not in self.flags


def read_po(path: Path) -> list[PoEntry]:
    """The live entries of a `.po` file (header and obsolete `#~` entries left out).

    A small reader for the subset of the format gettext tools write: flags, msgctxt, msgid,
    msgid_plural, msgstr / msgstr[n], and strings continued on the following lines.
    """
    entries: list[PoEntry] = []
    current: PoEntry | None = None
    target: tuple[str, int] | None = None
    flags: set[str] = set()
    for raw in path.read_text(encoding="utf-8").splitlines():
        line = raw.strip()
        if not line or line.startswith("#~"):
            continue
        if line.startswith("#,"):
            flags |= {flag.strip() for flag in line[2:].split(",")}
            continue
        if line.startswith("#"):
            continue
        keyword, _, rest = line.partition(" ")
        if line.startswith('"'):
            _append(current, target, _unquote(line))
            continue
        if keyword in ("msgctxt", "msgid") and (current is None or current.msgstrs):
            current = PoEntry(msgid="", flags=flags)
            entries.append(current)
            flags = set()
        if current is None:
            raise ValueError(f"{path}: {raw!r} comes before any msgid")
        if keyword.startswith("msgstr"):
            index = int(keyword[7:-1]) if keyword.startswith("msgstr[") else 0
            current.msgstrs.append("")
            target = ("msgstr", index)
        elif keyword in ("msgctxt", "msgid", "msgid_plural"):
            target = (keyword, 0)
        else:
            raise ValueError(f"{path}: cannot read {raw!r}")
        _append(current, target, _unquote(rest))
    return [entry for entry in entries if entry.msgid]


def _unquote(text: str) -> str:
    if not (text.startswith('"') and text.endswith('"')):
        raise ValueError(f"not a quoted string: {text!r}")
    return ast.literal_eval(text)  # the .po escapes (\n, \", \\) are Python's too


def _append(entry: PoEntry | None, target: tuple[str, int] | None, text: str) -> None:
    if entry is None or target is None:
        raise ValueError(f"string {text!r} outside an entry")
    name, index = target
    if name == "msgstr":
        entry.msgstrs[index] += text
    else:
        setattr(entry, name, getattr(entry, name) + text)


def coverage(path: Path) -> tuple[int, int]:
    """(translated, total) messages of a `.po` file."""
    entries = read_po(path)
    return sum(entry.translated for entry in entries), len(entries)


def read_mo(path: Path) -> Catalogue:
    """Raw entries of a `.mo` file: msgid → msgstr, with contexts and plurals still packed.

    A key is `context\\x04msgid` when the message has a context and `msgid\\0msgid_plural` for
    plural messages, whose value holds the forms separated by `\\0`.
    """
    data = path.read_bytes()
    order = "<" if struct.unpack("<I", data[:4])[0] == _MO_MAGIC else ">"
    _revision, count, ids_at, strs_at = struct.unpack(f"{order}4I", data[4:20])
    entries: Catalogue = {}
    pair = struct.Struct(f"{order}2I")
    for index in range(count):
        id_len, id_off = pair.unpack_from(data, ids_at + 8 * index)
        str_len, str_off = pair.unpack_from(data, strs_at + 8 * index)
        entries[data[id_off : id_off + id_len]] = data[str_off : str_off + str_len]
    return entries


def write_mo(path: Path, entries: Catalogue) -> None:
    """Write a little-endian `.mo` file without hash table; keys sorted, as gettext requires."""
    keys = sorted(entries)
    ids = strs = b""
    spans = []
    for key in keys:
        spans.append((len(ids), len(key), len(strs), len(entries[key])))
        ids += key + b"\0"
        strs += entries[key] + b"\0"
    ids_table_at = 7 * 4
    strs_table_at = ids_table_at + 8 * len(keys)
    ids_at = strs_table_at + 8 * len(keys)
    strs_at = ids_at + len(ids)
    id_table = [n for id_off, id_len, _, _ in spans for n in (id_len, ids_at + id_off)]
    str_table = [n for _, _, s_off, s_len in spans for n in (s_len, strs_at + s_off)]
    header = struct.pack("<7I", _MO_MAGIC, 0, len(keys), ids_table_at, strs_table_at, 0, 0)
    table = struct.pack(f"<{4 * len(keys)}I", *id_table, *str_table)
    path.write_bytes(header + table + ids + strs)


def plural_rule(entries: Catalogue) -> Callable[[int], int]:
    """The Plural-Forms rule of a catalogue's header (germanic `n != 1` when none is given)."""
    for line in entries.get(b"", b"").decode("utf-8").splitlines():
        name, _, value = line.partition(":")
        if name.strip().lower() == "plural-forms":
            expression = value.split("plural=", 1)[1].strip().rstrip(";")
            return gettext.c2py(expression)
    return gettext.c2py("n != 1")


def plural_form_map(own: Catalogue, fallback: Catalogue) -> list[int]:
    """For each plural form of `own`, the form of `fallback` most counts of that form use.

    Counts from 1 up are compared (0 only if a form is used for nothing else), so Kazakh's
    "other" form gets the Russian "many" form and Armenian's "one" (0 and 1) the Russian "one".
    """
    own_rule, fallback_rule = plural_rule(own), plural_rule(fallback)
    votes: dict[int, Counter[int]] = defaultdict(Counter)
    for n in _SAMPLE_COUNTS:
        votes[own_rule(n)][fallback_rule(n)] += 1
    for form in range(max(votes, default=0) + 1):
        if not votes[form]:  # a form used only for 0
            votes[form][fallback_rule(0)] += 1
    return [votes[form].most_common(1)[0][0] for form in range(len(votes))]


def with_fallback(
    own: Catalogue, fallback: Catalogue, translated_elsewhere: frozenset[bytes] = frozenset()
) -> Catalogue:
    """`own` plus every message it lacks taken from `fallback`; own header and plural rule kept.

    Messages in `translated_elsewhere` (keys another catalogue of the same language translates)
    are left out, so that catalogue's translation shows instead of the fallback.
    """
    form_map = plural_form_map(own, fallback)
    merged = dict(own)
    for key, text in fallback.items():
        if key in merged or key in translated_elsewhere or key == b"":
            continue
        if b"\0" in key:  # plural message: pick the fallback form matching each own form
            forms = text.split(b"\0")
            text = b"\0".join(forms[min(index, len(forms) - 1)] for index in form_map)
        merged[key] = text
    return merged


def translated_by_django(language: str, excluded: Path) -> frozenset[bytes]:
    """Messages Django's own catalogues and the installed apps' translate into `language`."""
    directories = [Path(django.__file__).parent / "conf" / "locale"]
    directories += [Path(app.path) / "locale" for app in apps.get_app_configs()]
    keys: set[bytes] = set()
    for directory in directories:
        path = catalogue_path(directory, language, "mo")
        if path.exists() and directory.resolve() != excluded.resolve():
            keys.update(key for key, text in read_mo(path).items() if text)
    return frozenset(keys)


def compile_po(po_path: Path, mo_path: Path) -> None:
    msgfmt = shutil.which("msgfmt")
    if msgfmt is None:
        raise RuntimeError("msgfmt (GNU gettext) is needed to compile the catalogues")
    subprocess.run([msgfmt, "--check-format", "-o", str(mo_path), str(po_path)], check=True)


def build_catalogues(directory: Path | None = None) -> list[Path]:
    """Compile every `<lang>/LC_MESSAGES/django.po` under `directory`, then add the fallback."""
    directory = directory or locale_dir()
    written = []
    for po_path in sorted(directory.glob(f"*/LC_MESSAGES/{DOMAIN}.po")):
        mo_path = po_path.with_suffix(".mo")
        compile_po(po_path, mo_path)
        written.append(mo_path)
    source = catalogue_path(directory, FALLBACK_SOURCE, "mo")
    if source.exists():
        fallback = read_mo(source)
        for language in FALLBACK_LANGUAGES:
            mo_path = catalogue_path(directory, language, "mo")
            if mo_path.exists():
                elsewhere = translated_by_django(language, excluded=directory)
                write_mo(mo_path, with_fallback(read_mo(mo_path), fallback, elsewhere))
    return written

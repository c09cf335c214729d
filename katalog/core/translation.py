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
Reading, checking and writing the catalogues is Babel's; no gettext tools are needed.
"""

from __future__ import annotations

import gettext
from collections import Counter, defaultdict
from collections.abc import Callable, Iterator, Sequence
from pathlib import Path

import django
from babel.messages.catalog import Catalog, Message
from babel.messages.mofile import read_mo, write_mo
from babel.messages.pofile import PoFileError, PoFileParser
from django.apps import apps
from django.conf import settings

FALLBACK_SOURCE = "ru"
FALLBACK_LANGUAGES = ("kk", "ky", "hy", "be", "tg", "uz")
DOMAIN = "django"

# Plural-Forms evaluated on these counts to find which Russian form stands for each own form.
_SAMPLE_COUNTS = range(1, 200)

# How gettext looks a message up: its msgid (the singular one for plurals) and its context.
MessageKey = tuple[str, str | None]


class CatalogueError(Exception):
    """A `.po` file that cannot be compiled: bad syntax, a duplicate or a broken placeholder."""


def locale_dir() -> Path:
    return Path(settings.LOCALE_PATHS[0])


def catalogue_path(directory: Path, language: str, suffix: str) -> Path:
    return directory / language / "LC_MESSAGES" / f"{DOMAIN}.{suffix}"


class _UniqueCatalog(Catalog):
    """A catalogue refusing a message defined twice (Babel would silently keep the first)."""

    def __setitem__(self, id: str | tuple[str, ...] | list[str], message: Message) -> None:
        if id and self.get(id, message.context) is not None:
            raise CatalogueError(f"line {message.lineno}: {message.id!r} is defined twice")
        super().__setitem__(id, message)


def read_catalogue(path: Path) -> Catalog:
    """The live messages of a `.po` file (obsolete `#~` entries left out)."""
    catalog = _UniqueCatalog()
    try:
        with path.open("rb") as po_file:
            PoFileParser(catalog, ignore_obsolete=True, abort_invalid=True).parse(po_file)
    except (PoFileError, CatalogueError) as exc:
        raise CatalogueError(f"{path}: {exc}") from exc
    if catalog.locale is None:  # Babel writes the Plural-Forms header only for a known language
        raise CatalogueError(f"{path}: the header names no language Babel knows (Language: …)")
    return catalog


def read_compiled(path: Path) -> Catalog:
    with path.open("rb") as mo_file:
        return read_mo(mo_file)


def messages(catalog: Catalog) -> Iterator[Message]:
    """The messages of a catalogue without its header."""
    return (message for message in catalog if message.id)


def is_translated(message: Message) -> bool:
    """Every form has a text and no translator marked it as a guess (gettext skips fuzzy)."""
    forms = message.string if isinstance(message.string, list | tuple) else [message.string]
    return all(forms) and not message.fuzzy


def message_key(message: Message) -> MessageKey:
    msgid = message.id if isinstance(message.id, str) else message.id[0]
    context = message.context
    if isinstance(context, bytes):  # Babel's read_mo leaves contexts undecoded
        context = context.decode("utf-8")
    return msgid, context


def coverage(path: Path) -> tuple[int, int]:
    """(translated, total) messages of a `.po` file; fuzzy and partly translated plurals lack."""
    found = list(messages(read_catalogue(path)))
    return sum(is_translated(message) for message in found), len(found)


def check_formats(catalog: Catalog, path: Path) -> None:
    """Refuse translations whose placeholders or plural forms do not fit (Babel's checkers)."""
    problems = [
        f"{path}:{message.lineno}: {message.id!r}: {error}"
        for message, errors in catalog.check()
        for error in errors
    ]
    if problems:
        raise CatalogueError("\n".join(problems))


def plural_rule(catalog: Catalog) -> Callable[[int], int]:
    """The Plural-Forms rule of a catalogue (its language's CLDR rule when the header has none)."""
    return gettext.c2py(catalog.plural_expr)


def plural_form_map(own: Catalog, fallback: Catalog) -> list[int]:
    """For each plural form of `own`, the form of `fallback` most counts of that form use.

    Counts from 1 up are compared (0 only if a form is used for nothing else), so Kazakh's
    "other" form gets the Russian "many" form and Armenian's "one" (0 and 1) the Russian "one".
    """
    own_rule, fallback_rule = plural_rule(own), plural_rule(fallback)
    votes: dict[int, Counter[int]] = defaultdict(Counter)
    for n in _SAMPLE_COUNTS:
        votes[own_rule(n)][fallback_rule(n)] += 1
    return [
        votes[form].most_common(1)[0][0] if votes[form] else fallback_rule(0)
        for form in range(own.num_plurals)
    ]


def translated_part(catalog: Catalog) -> Catalog:
    """A catalogue with the header and the translated messages of `catalog` only."""
    compiled = Catalog(charset="utf-8")
    compiled.mime_headers = catalog.mime_headers
    for message in messages(catalog):
        if is_translated(message):
            compiled[message.id] = message
    return compiled


def with_fallback(
    own: Catalog, fallback: Catalog, translated_elsewhere: frozenset[MessageKey] = frozenset()
) -> Catalog:
    """`own`'s translations plus every message it lacks taken from `fallback`; own header kept.

    Messages in `translated_elsewhere` (keys another catalogue of the same language translates)
    are left out, so that catalogue's translation shows instead of the fallback.
    """
    form_map = plural_form_map(own, fallback)
    merged = translated_part(own)
    for message in messages(fallback):
        if not is_translated(message) or message_key(message) in translated_elsewhere:
            continue
        if merged.get(message.id, message.context) is None:
            merged[message.id] = Message(
                message.id, _mapped_forms(message.string, form_map), context=message.context
            )
    return merged


def _mapped_forms(
    string: str | Sequence[str] | None, form_map: list[int]
) -> str | tuple[str, ...] | None:
    if string is None or isinstance(string, str):
        return string
    return tuple(string[min(form, len(string) - 1)] for form in form_map)


def translated_by_django(language: str, excluded: Path) -> frozenset[MessageKey]:
    """Messages Django's own catalogues and the installed apps' translate into `language`."""
    directories = [Path(django.__file__).parent / "conf" / "locale"]
    directories += [Path(app.path) / "locale" for app in apps.get_app_configs()]
    keys: set[MessageKey] = set()
    for directory in directories:
        path = catalogue_path(directory, language, "mo")
        if path.exists() and directory.resolve() != excluded.resolve():
            catalog = read_compiled(path)
            keys.update(message_key(m) for m in messages(catalog) if is_translated(m))
    return frozenset(keys)


def write_compiled(path: Path, catalog: Catalog) -> None:
    """Write the `.mo` through a temporary file, so a failed build leaves the old one whole."""
    partial = path.with_suffix(".mo.partial")
    with partial.open("wb") as mo_file:
        write_mo(mo_file, catalog)
    partial.replace(path)


def build_catalogues(directory: Path | None = None) -> list[Path]:
    """Compile every `<lang>/LC_MESSAGES/django.po` under `directory`, with the fallback.

    Every `.po` is read and checked before any `.mo` is written, so one broken catalogue
    leaves all compiled ones as they were.
    """
    directory = directory or locale_dir()
    catalogues = {
        po_path: read_catalogue(po_path)
        for po_path in sorted(directory.glob(f"*/LC_MESSAGES/{DOMAIN}.po"))
    }
    for po_path, catalog in catalogues.items():
        check_formats(catalog, po_path)
    fallback = catalogues.get(catalogue_path(directory, FALLBACK_SOURCE, "po"))
    for po_path, catalog in catalogues.items():
        language = po_path.parent.parent.name
        write_compiled(po_path.with_suffix(".mo"), compiled(catalog, language, fallback, directory))
    return [po_path.with_suffix(".mo") for po_path in catalogues]


def compiled(catalog: Catalog, language: str, fallback: Catalog | None, directory: Path) -> Catalog:
    """What goes into a language's `.mo`: its translations, with the Russian fallback if due."""
    if fallback is None or language not in FALLBACK_LANGUAGES:
        return translated_part(catalog)
    return with_fallback(catalog, fallback, translated_by_django(language, excluded=directory))

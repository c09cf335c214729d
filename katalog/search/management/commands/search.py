"""`katalog search QUERY`: the one search box from the command line; `--rebuild` rebuilds the index."""

from __future__ import annotations

import json
from typing import Any

from django.utils.translation import gettext_lazy

from katalog.core.management.base import KatalogCommand
from katalog.search.backends import ensure_search_schema, rebuild_search_index
from katalog.search.selectors import PARAM_FIELDS, search, search_query_from_params


def format_page(page: dict[str, Any]) -> list[str]:
    lines = []
    for hit in page["hits"]:
        refs = ", ".join(f"{r['number']} ({r['manufacturer']})" for r in hit["references"])
        lines.append(
            f"{hit['catalogue_number']}  {hit['status']['code']}  {hit['item_name']}"
            f"  [{hit['matched_by']}]" + (f"  {refs}" if refs else "")
        )
    total = page["total"] if page["total_is_exact"] else f"{page['total']}+"
    lines.append(f"-- {len(page['hits'])} shown of {total}")
    if page["next_cursor"]:
        lines.append(f"-- next page: --after {page['next_cursor']}")
    return lines


# Said on standard error, so the hits stay what a script reads.
INDEX_NOTES = {
    "behind": gettext_lazy(
        "The search index is catching up with the latest changes: these results come straight "
        "from the catalogue database, which is slower but complete."
    ),
    "missing": gettext_lazy(
        "The search index has not been built yet: these results come straight from the "
        "catalogue database, which is slower but complete. An administrator builds it with "
        "«katalog reindex»."
    ),
}


class Command(KatalogCommand):
    help = "Search items by catalogue number, reference number, manufacturer code or words."

    def add_arguments(self, parser: Any) -> None:
        parser.add_argument("query", nargs="?", default="")
        for name in PARAM_FIELDS:
            parser.add_argument(
                f"--{name}", action="append", default=[], help=f"filter by {name} (repeatable)"
            )
        parser.add_argument(
            "--dual-use", action="store_true", help="only items on an export-control list"
        )
        parser.add_argument("--sort", default="relevance")
        parser.add_argument("--after", default="")
        parser.add_argument("--limit", type=int, default=20)
        parser.add_argument("--lang", default="en")
        parser.add_argument("--json", action="store_true", help="print the API's JSON")
        parser.add_argument(
            "--rebuild", action="store_true", help="rebuild the search index and exit"
        )
        self.add_actor_argument(parser)

    def handle(self, *args: Any, **options: Any) -> None:
        if options["rebuild"]:
            ensure_search_schema()
            rebuild_search_index()
            self.stdout.write("search index rebuilt")
            return
        params: dict[str, Any] = {name: options[name] for name in PARAM_FIELDS}
        params.update(
            q=options["query"], sort=options["sort"], after=options["after"],
            limit=str(options["limit"]), lang=options["lang"],
            dual_use="true" if options["dual_use"] else "",
        )  # fmt: skip
        page = search(
            search_query_from_params(params),
            lang=options["lang"],
            reader=self.reading_user(options),
        ).to_dict()
        if options["json"]:
            self.stdout.write(json.dumps(page, ensure_ascii=False, indent=2))
            return
        self.stdout.write("\n".join(format_page(page)))
        if page["index"] in INDEX_NOTES:
            self.stderr.write(str(INDEX_NOTES[page["index"]]))

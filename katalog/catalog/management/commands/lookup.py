"""`katalog lookup TEXT`: find an item by catalogue number or reference number."""

from __future__ import annotations

import json
from typing import Any

from katalog.catalog.selectors import item_lookup
from katalog.core.management.base import KatalogCommand


def format_item(detail: dict[str, Any]) -> list[str]:
    lines = [
        f"{detail['catalogue_number']}  {detail['item_name']['name'] or detail['item_name']['as_received']}",
        f"  supply class   {detail['supply_class']['code']} {detail['supply_class']['title']}",
        f"  item name      {detail['item_name']['code']}"
        + (
            f" (as received: {detail['item_name']['as_received']})"
            if detail["item_name"]["as_received"]
            else ""
        ),
        f"  status         {detail['status']['code']} {detail['status']['meaning']}",
        f"  bureau         {detail['bureau']['key']} (user code {detail['bureau']['user_code']})",
    ]
    if detail["replaced_by"]:
        lines.append(f"  replaced by    {detail['replaced_by']}")
    lines.extend(format_family(detail.get("interchange")))
    for ref in detail["references"]:
        lines.append(
            f"  reference      {ref['number']}  {ref['manufacturer']['code']} {ref['manufacturer']['name']}"
        )
    for value in detail["characteristics"]:
        lines.append(f"  {value['code']}           {value['name']}: {value['raw']}")
    users = ", ".join(r["user_code"] for r in detail["registrations"] if not r["effective_to"])
    lines.append(f"  users          {users or '—'}")
    for m in detail["management"]:
        price = f"{m['price']} {m['currency']}" if m["price"] else ""
        lines.append(
            f"  management     {m['user_code']} {m['unit_of_issue'] or ''} {price}".rstrip()
        )
    return lines


def format_family(family: dict[str, Any] | None) -> list[str]:
    """The interchangeability family: its master, then each member with its relation to the
    master and its conditions."""
    if not family:
        return []
    rows = ([family["master"]] if family["master"] else []) + family["members"]
    return [
        f"  family {family['family_id']:<7} {row['catalogue_number']}  {row['relation']}"
        + (f"  {row['conditions']}" if row["conditions"] else "")
        for row in rows
    ]


class Command(KatalogCommand):
    help = "Find an item by catalogue number (any form) or reference number."

    def add_arguments(self, parser: Any) -> None:
        parser.add_argument("text")
        parser.add_argument("--json", action="store_true", help="print the API's JSON")
        parser.add_argument("--lang", default="en")
        self.add_actor_argument(parser)

    def handle(self, *args: Any, **options: Any) -> None:
        details = item_lookup(options["text"], options["lang"], reader=self.reading_user(options))
        if options["json"]:
            payload = details[0] if len(details) == 1 else details
            self.stdout.write(json.dumps(payload, ensure_ascii=False, indent=2))
            return
        for detail in details:
            self.stdout.write("\n".join(format_item(detail)))

"""Bulk import of catalogue data: streamed, validated row by row, written in batches.

Each batch is validated in full, then written in one transaction with batched inserts (never one
ORM save per row). A rejected row is reported with its line number, column and reason and the
good rows load. Existing records are skipped, updated or reported, by policy; re-running a file
creates no duplicates, and a run stopped half-way ends, when re-run, with the same data.

An import acts for the person who started it (`ImportActor`) and applies, row by row, the same
rules as the single writes: a row the person may not write (an item of another bureau, a number
under another bureau's code, another nation's management data) is rejected with its line and
the rule's code, and the rest goes on. The values are checked by the rules of
`katalog.catalog.services.checks`, shared with the single writes. Each committed batch writes
one audit entry that names every object it changed, and moves on the versions of the items it
touched.

The modules, by concern:

- `kinds`: the kinds by name (`IMPORTERS`) and `import_file`, the entry point;
- `driver`: the run loop (batches, read-ahead, checkpoints, the batch's audit entry);
- `base`: what every kind shares (policy, a row's rejection, cell helpers, `BaseImporter`);
- `report`: the counts and the rejected rows of a run;
- `lookups`: the per-batch queries of what rows name;
- `items`, `manufacturers`, `references`: the kinds that create records of their own;
- `item_rows` and `characteristics`, `registrations`, `management`: rows about existing items.
"""

"""The nomenclature: the register of normative documents (standards, specifications, drawings)
that items and manufacturers refer to, with their status and what replaced them."""

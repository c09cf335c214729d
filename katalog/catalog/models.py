"""Items of supply, their references, manufacturers, characteristic values, registrations and
management data. Every record knows the bureau that owns it."""

from __future__ import annotations

from django.db import models
from django.utils.translation import gettext_lazy as _

from katalog.core.i18n import pick_text


class ItemStatus(models.TextChoices):
    """Status of a catalogue number (NCS DRN 2670)."""

    ACTIVE = "0", _("active")
    ACTIVE_NOT_PROCURABLE = "1", _("active, not procurable in the country of origin")
    CANCELLED_REPLACED = "3", _("cancelled with replacement")
    CANCELLED = "4", _("cancelled without replacement")
    CANCELLED_USE = "5", _("cancelled-use")
    INACTIVE = "6", _("inactive (no registered user)")
    CANCELLED_DUPLICATE = "7", _("cancelled duplicate")
    CANCELLED_INACTIVE = "8", _("cancelled inactive")
    TEMPORARY = "9", _("kept until the last user withdraws")


CANCELLED_STATUSES = frozenset({"3", "4", "5", "7", "8"})


class ReleaseLevel(models.TextChoices):
    """Who may read an item's data beyond its number, name and status (as in the NCS, where
    other nations' item data is releasable only by the assigning bureau)."""

    PUBLIC = "public", _("public")
    RESTRICTED = "restricted", _("restricted to the assigning bureau and the registered users")


def format_catalogue_number(supply_class: str, niin: str) -> str:
    """`5310-01-234-5678` from the class `5310` and the identification number `012345678`."""
    return f"{supply_class}-{niin[:2]}-{niin[2:5]}-{niin[5:]}"


class Manufacturer(models.Model):
    """A manufacturer, supplier or design authority with its 5-character code."""

    code = models.CharField(_("manufacturer code"), max_length=5, unique=True)
    names = models.JSONField(_("names"), default=dict)
    address = models.TextField(_("address"), blank=True)
    country = models.ForeignKey(
        "refdata.Country", on_delete=models.PROTECT, null=True, blank=True, related_name="+"
    )
    status = models.CharField(_("status"), max_length=1, default="A")
    replaced_by = models.ForeignKey(
        "self", on_delete=models.PROTECT, null=True, blank=True, related_name="replaces"
    )
    parent = models.ForeignKey(
        "self", on_delete=models.PROTECT, null=True, blank=True, related_name="children"
    )
    bureau = models.ForeignKey("accounts.Bureau", on_delete=models.PROTECT, related_name="+")
    search_text = models.TextField(_("search text"), blank=True, editable=False)
    row_version = models.PositiveIntegerField(default=1)
    created_at = models.DateTimeField(auto_now_add=True)
    updated_at = models.DateTimeField(auto_now=True)

    class Meta:
        ordering = ["code"]
        verbose_name = _("manufacturer")
        verbose_name_plural = _("manufacturers")

    def __str__(self) -> str:
        return f"{self.code} {pick_text(self.names)}"


class Item(models.Model):
    """An item of supply with its catalogue number (class + bureau code + serial).

    The 9-digit `niin` (bureau code + serial) identifies the item; the class only adds context.
    """

    niin = models.CharField(_("identification number"), max_length=9, unique=True)
    supply_class = models.CharField(_("supply class"), max_length=4, db_index=True)
    bureau_code = models.CharField(_("bureau code"), max_length=2)
    serial = models.PositiveIntegerField(_("serial"))
    item_name = models.ForeignKey("names.ItemName", on_delete=models.PROTECT, related_name="items")
    # The designation as received, e.g. a FLIS name for items without an approved name.
    name_text = models.CharField(_("name as received"), max_length=200, blank=True)
    identification_type = models.CharField(_("type of identification"), max_length=2, default="2")
    partial_reason = models.CharField(
        _("reason for partial identification"), max_length=1, blank=True
    )
    status = models.CharField(
        _("status"), max_length=1, choices=ItemStatus.choices, default=ItemStatus.ACTIVE
    )
    cancellation_reason = models.CharField(_("reason for cancellation"), max_length=1, blank=True)
    replaced_by = models.ForeignKey(
        "self", on_delete=models.PROTECT, null=True, blank=True, related_name="replaces"
    )
    bureau = models.ForeignKey("accounts.Bureau", on_delete=models.PROTECT, related_name="+")
    release = models.CharField(
        _("release level"), max_length=10, choices=ReleaseLevel.choices, default=ReleaseLevel.PUBLIC
    )
    search_text = models.TextField(_("search text"), blank=True, editable=False)
    row_version = models.PositiveIntegerField(default=1)
    created_at = models.DateTimeField(auto_now_add=True)
    updated_at = models.DateTimeField(auto_now=True)
    cancelled_at = models.DateTimeField(null=True, blank=True)

    class Meta:
        ordering = ["niin"]
        indexes = [models.Index(fields=["status"], name="item_status_idx")]
        verbose_name = _("item of supply")
        verbose_name_plural = _("items of supply")

    def __str__(self) -> str:
        return self.catalogue_number

    @property
    def catalogue_number(self) -> str:
        return format_catalogue_number(self.supply_class, self.niin)


class SerialCounter(models.Model):
    """The last serial issued under a bureau code. Serials are never reused."""

    bureau_code = models.CharField(max_length=2, primary_key=True)
    last_serial = models.PositiveIntegerField(default=0)

    class Meta:
        ordering = ["bureau_code"]
        verbose_name = _("serial counter")
        verbose_name_plural = _("serial counters")

    def __str__(self) -> str:
        return f"{self.bureau_code}: {self.last_serial}"


class Reference(models.Model):
    """A reference (part) number of an item, exactly as received, with its codes and keys."""

    item = models.ForeignKey(Item, on_delete=models.CASCADE, related_name="references")
    manufacturer = models.ForeignKey(
        Manufacturer, on_delete=models.PROTECT, related_name="references"
    )
    number = models.CharField(_("reference number"), max_length=32)
    key = models.CharField(_("normalised key"), max_length=64, db_index=True)
    ascii_key = models.CharField(_("transliterated key"), max_length=96, db_index=True)
    category = models.CharField(_("reference category (RNCC)"), max_length=1, default="3")
    variation = models.CharField(_("reference variation (RNVC)"), max_length=1, default="2")
    document_availability = models.CharField(
        _("document availability (DAC)"), max_length=1, default="9"
    )
    format_code = models.CharField(_("format (RNFC)"), max_length=1, blank=True)
    source_code = models.CharField(_("source (RNSC)"), max_length=1, blank=True)
    justification = models.CharField(_("justification (RNJC)"), max_length=1, blank=True)
    bureau = models.ForeignKey("accounts.Bureau", on_delete=models.PROTECT, related_name="+")
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        ordering = ["item", "id"]
        constraints = [
            models.UniqueConstraint(
                fields=["item", "manufacturer", "number"], name="reference_unique_per_item"
            )
        ]
        indexes = [models.Index(fields=["manufacturer", "key"], name="reference_mfr_key_idx")]
        verbose_name = _("reference")
        verbose_name_plural = _("references")

    def __str__(self) -> str:
        return f"{self.number} ({self.manufacturer_id})"


class CharacteristicValue(models.Model):
    """A typed reply to one guide characteristic: raw entry plus the value in canonical unit."""

    item = models.ForeignKey(Item, on_delete=models.CASCADE, related_name="characteristics")
    characteristic = models.ForeignKey(
        "names.Characteristic", on_delete=models.PROTECT, related_name="values"
    )
    raw = models.CharField(_("entry as given"), max_length=200)
    qualifier = models.CharField(_("qualifier"), max_length=3, blank=True)
    unit_code = models.CharField(_("unit"), max_length=3, blank=True)
    value = models.FloatField(_("value (canonical unit)"), null=True, blank=True)
    value_max = models.FloatField(_("upper value (canonical unit)"), null=True, blank=True)
    code = models.CharField(_("coded reply"), max_length=8, blank=True)
    text = models.CharField(_("text reply"), max_length=200, blank=True)
    flag = models.BooleanField(_("yes/no reply"), null=True, blank=True)
    # The item's name and class, kept beside its values by every write path
    # (`values_follow_item`): screening by key values walks the values of one name in a range
    # in an index that holds the class, where it read every name's values in the range of a
    # shared guide, and each value's item for its class, to keep a few.
    item_name = models.ForeignKey(
        "names.ItemName", on_delete=models.PROTECT, related_name="+", db_index=False
    )
    supply_class = models.CharField(_("supply class"), max_length=4)

    class Meta:
        ordering = ["item", "characteristic__position"]
        constraints = [
            models.UniqueConstraint(fields=["item", "characteristic"], name="charvalue_unique")
        ]
        indexes = [
            models.Index(fields=["characteristic", "value"], name="charvalue_range_idx"),
            models.Index(
                fields=["characteristic", "item_name", "value"],
                include=["item", "supply_class"],
                name="charvalue_name_range_idx",
            ),
        ]
        verbose_name = _("characteristic value")
        verbose_name_plural = _("characteristic values")

    def __str__(self) -> str:
        return f"{self.characteristic.code}={self.raw}"


class Registration(models.Model):
    """A nation (through its bureau's user code) registered as user of an item."""

    item = models.ForeignKey(Item, on_delete=models.CASCADE, related_name="registrations")
    bureau = models.ForeignKey("accounts.Bureau", on_delete=models.PROTECT, related_name="+")
    effective_from = models.DateField(_("effective from"))
    effective_to = models.DateField(_("effective to"), null=True, blank=True)

    class Meta:
        ordering = ["item", "bureau", "effective_from"]
        constraints = [
            models.UniqueConstraint(
                fields=["item", "bureau", "effective_from"], name="registration_unique"
            )
        ]
        indexes = [models.Index(fields=["bureau", "item"], name="registration_bureau_idx")]
        verbose_name = _("user registration")
        verbose_name_plural = _("user registrations")

    def __str__(self) -> str:
        return f"{self.bureau_id} on {self.item_id}"


class ManagementData(models.Model):
    """Management data of one nation for an item: unit of issue, price, notes."""

    item = models.ForeignKey(Item, on_delete=models.CASCADE, related_name="management")
    bureau = models.ForeignKey("accounts.Bureau", on_delete=models.PROTECT, related_name="+")
    unit_of_issue = models.CharField(_("unit of issue"), max_length=3, blank=True)
    price = models.DecimalField(_("price"), max_digits=14, decimal_places=2, null=True, blank=True)
    currency = models.ForeignKey(
        "refdata.Currency", on_delete=models.PROTECT, null=True, blank=True, related_name="+"
    )
    notes = models.TextField(_("notes"), blank=True)
    # Management data is its nation's own: unless released, only that nation and the assigning
    # bureau read it.
    released = models.BooleanField(_("released to other nations"), default=False)

    class Meta:
        ordering = ["item", "bureau"]
        constraints = [models.UniqueConstraint(fields=["item", "bureau"], name="management_unique")]
        verbose_name = _("management data")
        verbose_name_plural = _("management data")

    def __str__(self) -> str:
        return f"{self.bureau_id} on {self.item_id}"


class ItemAction(models.TextChoices):
    """What happened to an item, as recorded in its history."""

    CREATED = "created", _("created")
    REFERENCE_ADDED = "reference_added", _("reference added")
    CHARACTERISTIC_SET = "characteristic_set", _("characteristic set")
    REGISTRATION_ADDED = "registration_added", _("user registered")
    REGISTRATION_WITHDRAWN = "registration_withdrawn", _("user registration withdrawn")
    MANAGEMENT_SET = "management_set", _("management data set")
    ACTIVATED = "activated", _("became active")
    INACTIVATED = "inactivated", _("became inactive (no registered user)")
    CANCELLED = "cancelled", _("cancelled")
    REINSTATED = "reinstated", _("reinstated")
    REPLACEMENT_RECEIVED = (
        "replacement_received",
        _("received references and users of a cancelled item"),
    )
    IDENTIFICATION_CHANGED = "identification_changed", _("identification changed")
    REFERENCE_REMOVED = "reference_removed", _("reference removed")
    IMPORTED = "imported", _("loaded from a file")
    UPDATED_BY_IMPORT = "updated_by_import", _("changed by a file import")
    RECEIVED = "received", _("received from another installation")
    FAMILY_CREATED = "family_created", _("interchangeability family created")
    FAMILY_MEMBER_ADDED = "family_member_added", _("added to an interchangeability family")
    FAMILY_MEMBER_REMOVED = "family_member_removed", _("removed from an interchangeability family")
    FAMILY_MASTER_SET = "family_master_set", _("master item of the family changed")


# --- interchangeability and substitutability (NCS I&S) ------------------------------------


# Statuses of an item that may be used: what an alternative must have.
ACTIVE_STATUSES = frozenset({"0", "1"})


class InterchangeRelation(models.TextChoices):
    """How a member of a family stands to its master item. "May replace" is one-way: the item
    may be used in place of the other, not the reverse."""

    INTERCHANGEABLE = "two_way", _("interchangeable: each may replace the other")
    REPLACES_MASTER = "replaces_master", _("may replace the master item, not the reverse")
    REPLACED_BY_MASTER = "replaced_by_master", _("the master item may replace it, not the reverse")


class InterchangeFamily(models.Model):
    """A family of items that can replace one another, headed by its master (preferred) item.
    Each item is in at most one family, as master or as member."""

    master = models.OneToOneField(
        Item, on_delete=models.PROTECT, related_name="family_mastered", verbose_name=_("master")
    )
    # The bureau that stated the family: its cataloguers alone change it.
    bureau = models.ForeignKey("accounts.Bureau", on_delete=models.PROTECT, related_name="+")
    row_version = models.PositiveIntegerField(default=1)
    created_at = models.DateTimeField(auto_now_add=True)
    updated_at = models.DateTimeField(auto_now=True)

    class Meta:
        ordering = ["id"]
        verbose_name = _("interchangeability family")
        verbose_name_plural = _("interchangeability families")

    def __str__(self) -> str:
        return f"family {self.pk} of {self.master_id}"


class InterchangeMember(models.Model):
    """A member of a family with its relation to the master, the conditions under which it
    holds, the bureau that stated it and when."""

    family = models.ForeignKey(InterchangeFamily, on_delete=models.CASCADE, related_name="members")
    item = models.OneToOneField(
        Item, on_delete=models.PROTECT, related_name="family_membership", verbose_name=_("item")
    )
    relation = models.CharField(_("relation"), max_length=20, choices=InterchangeRelation.choices)
    conditions = models.TextField(_("conditions"), blank=True)
    bureau = models.ForeignKey("accounts.Bureau", on_delete=models.PROTECT, related_name="+")
    stated_on = models.DateField(_("stated on"))
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        ordering = ["family", "id"]
        verbose_name = _("member of an interchangeability family")
        verbose_name_plural = _("members of interchangeability families")

    def __str__(self) -> str:
        return f"{self.item_id} in family {self.family_id}"


class ImportAction(models.TextChoices):
    """A batch of rows of one kind loaded by an import job (the importers' `<kind>_imported`)."""

    ITEMS = "items_imported", _("items loaded from a file")
    REFERENCES = "references_imported", _("references loaded from a file")
    CHARACTERISTICS = "characteristics_imported", _("characteristics loaded from a file")
    REGISTRATIONS = "registrations_imported", _("user registrations loaded from a file")
    MANAGEMENT = "management_imported", _("management data loaded from a file")


class ManufacturerAction(models.TextChoices):
    """What happened to a manufacturer record, as recorded in the audit log."""

    CREATED = "manufacturer_created", _("manufacturer registered")
    CHANGED = "manufacturer_changed", _("manufacturer changed")
    IMPORTED = "manufacturers_imported", _("manufacturers loaded from a file")
    RECEIVED = "manufacturer_received", _("manufacturer received from another installation")


# --- preferred items and restrictive lists ---------------------------------------------------


class ItemListKind(models.TextChoices):
    """A list of preferred items (for new designs and procurement) or a restrictive list
    (items not to be used in new designs)."""

    PREFERRED = "preferred", _("preferred items")
    RESTRICTIVE = "restrictive", _("restrictive list")


class ItemList(models.Model):
    """A list of preferred items or a restrictive list kept by a bureau or the interstate
    centre, with its scope (supply classes and item names; empty means any), its validity and
    the act that approved it."""

    kind = models.CharField(_("kind"), max_length=12, choices=ItemListKind.choices)
    code = models.CharField(_("list code"), max_length=40)
    name = models.CharField(_("name"), max_length=300)
    # The bureau that keeps the list: its cataloguers alone change it.
    bureau = models.ForeignKey("accounts.Bureau", on_delete=models.PROTECT, related_name="+")
    supply_classes = models.JSONField(_("supply classes"), default=list, blank=True)
    item_names = models.JSONField(_("item names"), default=list, blank=True)
    valid_from = models.DateField(_("valid from"))
    valid_to = models.DateField(_("valid to"), null=True, blank=True)
    act_number = models.CharField(_("act number"), max_length=60)
    act_date = models.DateField(_("act date"))
    act_text = models.TextField(_("act text"), blank=True)
    row_version = models.PositiveIntegerField(default=1)
    created_at = models.DateTimeField(auto_now_add=True)
    updated_at = models.DateTimeField(auto_now=True)

    class Meta:
        ordering = ["id"]
        verbose_name = _("list of items")
        verbose_name_plural = _("lists of items")
        constraints = [
            models.UniqueConstraint(fields=["bureau", "code"], name="item_list_code_unique")
        ]
        indexes = [models.Index(fields=["kind", "valid_from"], name="item_list_kind_idx")]

    def __str__(self) -> str:
        return f"{self.kind} {self.code}"


class ItemListEntry(models.Model):
    """An item on a list, with an optional note."""

    item_list = models.ForeignKey(ItemList, on_delete=models.CASCADE, related_name="entries")
    item = models.ForeignKey(
        Item, on_delete=models.PROTECT, related_name="list_entries", verbose_name=_("item")
    )
    note = models.TextField(_("note"), blank=True)
    added_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        ordering = ["item_list", "item"]
        verbose_name = _("entry of a list of items")
        verbose_name_plural = _("entries of lists of items")
        constraints = [
            models.UniqueConstraint(fields=["item_list", "item"], name="item_list_entry_unique")
        ]
        indexes = [models.Index(fields=["item", "item_list"], name="item_list_entry_item_idx")]

    def __str__(self) -> str:
        return f"{self.item_id} on {self.item_list_id}"


class ItemListAction(models.TextChoices):
    """What happened to a list of items, as recorded in the audit log."""

    CREATED = "item_list_created", _("list of items created")
    ENTRY_ADDED = "item_list_entry_added", _("item put on a list")
    ENTRY_REMOVED = "item_list_entry_removed", _("item taken off a list")

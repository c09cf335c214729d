"""Codification request pages over `katalog.codification.services`: the bureau's queue, a new
request, the guide-driven line form with inline reply checks and a duplicate screening preview,
the workflow buttons and per-line decisions. Refusals (bureau, four eyes, stale version, rules)
come from the services. A refused form post shows its page again with what was typed and the
refusal in place (the line's decision form, the step's reason, the new request and line forms);
refusals of plain page reads are shown by `@shows_refusals`. Only the steps the person may take
are offered, and lines to add or decide only to who may (`services.request_offer`)."""

from __future__ import annotations

from typing import Any

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.http import FileResponse, HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy
from django.views.decorators.http import require_POST

from katalog.catalog.errors import CatalogErrorCode
from katalog.catalog.selectors import item_for_field
from katalog.codification import selectors, services
from katalog.codification.models import (
    CodificationRequest,
    LineDecision,
    LineRejectReason,
    RequestLine,
    RequestState,
)
from katalog.core.downloads import file_download
from katalog.core.errors import KatalogError, PreconditionFailed, ValidationFailed
from katalog.core.i18n import pick_text
from katalog.names import selectors as names
from katalog.names.values import parse_reply
from katalog.screening.models import ScreeningJustification
from katalog.screening.services import (
    ReferenceInput,
    ScreeningInput,
    ScreeningResult,
    screen,
    screen_many,
)
from katalog.web import display, prefs
from katalog.web.errors import is_htmx, put_on_form, refusal_words, shows_refusals
from katalog.web.forms import DecisionForm, LineForm, RequestFilterForm, RequestForm, combine_reply
from katalog.web.requests import SignedInRequest

STEP_LABELS = {
    "submit": gettext_lazy("Submit"),
    "screen": gettext_lazy("Screen for duplicates"),
    "decide": gettext_lazy("Close the decisions"),
    "return": gettext_lazy("Return for another look"),
    "approve": gettext_lazy("Approve"),
    "publish": gettext_lazy("Publish to the catalogue"),
    "reopen": gettext_lazy("Return to decision"),
    "reject": gettext_lazy("Reject the request"),
}
PREVIEW_LINES = 20


def _visible(request: HttpRequest, request_id: int) -> CodificationRequest:
    return selectors.request_get(request_id, reader=request.user)


def _version(request: HttpRequest) -> int | None:
    value = request.POST.get("row_version", "")
    return int(value) if value.isdigit() else None


@login_required
def request_list(request: SignedInRequest) -> HttpResponse:
    filters = RequestFilterForm(request.GET or None)
    state = priority = ""
    if filters.is_valid():
        state, priority = filters.cleaned_data["state"], filters.cleaned_data["priority"]
    bureau = selectors.reader_bureau_key(request.user)
    after = request.GET.get("after", "")
    page = selectors.request_list(
        reader=request.user,
        state=state,
        priority=priority,
        after=int(after) if after.isdigit() else None,
    )
    context = {
        "filters": filters,
        "page": page,
        "bureau": bureau,
        "may_open": services.may_open_request(request.user),
    }
    return render(request, "web/request_list.html", context)


@login_required
@shows_refusals
def request_new(request: SignedInRequest) -> HttpResponse:
    form = RequestForm(request.POST or None)
    status = 200
    if request.method == "POST" and form.is_valid():
        try:
            created = services.request_create(actor=request.user, **form.cleaned_data)
        except KatalogError as exc:
            status = put_on_form(form, exc, lambda name: name)
        else:
            messages.success(request, _("Request %(id)s opened.") % {"id": created.pk})
            return redirect("web:request-detail", request_id=created.pk)
    return render(request, "web/request_new.html", {"form": form}, status=status)


def _previews(lines: list[RequestLine], reader: Any) -> dict[int, dict | None]:
    """What duplicate screening would say about the draft lines now (nothing is stored), all
    lines screened in one run."""
    results = screen_many([services.screening_input(line) for line in lines], reader=reader)
    return {
        line.position: result.to_dict() if isinstance(result, ScreeningResult) else None
        for line, result in zip(lines, results, strict=True)
    }


@login_required
@shows_refusals
def request_detail(request: SignedInRequest, request_id: int) -> HttpResponse:
    record = _visible(request, request_id)
    return render(request, "web/request_detail.html", _detail_context(request, record))


@login_required
@shows_refusals
def request_document(request: SignedInRequest, request_id: int, document_id: int) -> FileResponse:
    document = selectors.request_document_get(_visible(request, request_id), document_id)
    return file_download(document.file)


def _detail_context(
    request: SignedInRequest,
    record: CodificationRequest,
    *,
    bound: dict[int, DecisionForm] | None = None,
    step: dict[str, Any] | None = None,
) -> dict[str, Any]:
    """The request page. `bound` holds a decision form as posted (with its refusal) in place of
    the line's fresh one; `step` the refused step, its refusal and the reason as typed."""
    detail = selectors.request_detail(record)
    offer = services.request_offer(request.user, record)
    steps = offer.steps
    if record.state == RequestState.DRAFT:
        lines = record.lines.select_related("item_name").order_by("position")[:PREVIEW_LINES]
        previews = _previews(list(lines), request.user)
        for line in detail["lines"]:
            line["preview"] = previews.get(line["position"])
    _replies_in_words(detail["lines"], expert=prefs.is_expert(request))
    for line in detail["lines"]:
        line["labels"] = _decision_labels(line)
        if offer.may_decide_lines:
            line["form"] = (bound or {}).get(line["position"]) or _decision_form(line)
    step = {**(step or {}), "offered": (step or {}).get("name") in steps}
    return {
        "record": record,
        "detail": detail,
        "transitions": [
            {
                "name": name,
                "needs_reason": name in services.STEPS_NEEDING_A_REASON,
                "label": STEP_LABELS.get(name, name),
                "refusal": step.get("refusal") if step.get("name") == name else "",
                "reason": step.get("reason", "") if step.get("name") == name else "",
                "code": step.get("code", "") if step.get("name") == name else "",
            }
            for name in steps
        ],
        "step": step,
        "may_add_lines": offer.may_change_lines,
        "reason_max": services.REASON_MAX,
        "log": _log(record),
        "expert": prefs.is_expert(request),
    }


def _log(record: CodificationRequest) -> list[Any]:
    """The request's steps, each with its name in words."""
    return list(selectors.request_transitions(record))


def _replies_in_words(lines: list[dict], *, expert: bool) -> None:
    """Each line's replies as (characteristic, reply): the codes to an expert; to everyone
    else the characteristic's name and a coded reply's meaning in the reader's language."""
    language = prefs.language()
    found: dict[Any, Any] = (
        {} if expert else names.characteristics_of_names({line["item_name"] for line in lines})
    )
    coded = {
        (c.reply_table_id, line["characteristics"][code])
        for line in lines
        for code in line["characteristics"]
        if (c := found.get((line["item_name"], code))) and c.reply_table_id
    }
    meanings = names.reply_meanings(coded)
    for line in lines:
        shown = []
        for code, raw in line["characteristics"].items():
            characteristic = found.get((line["item_name"], code))
            if characteristic is None:
                shown.append((code, raw))
                continue
            table = characteristic.reply_table_id
            meaning = meanings.get((table, raw)) if table is not None else None
            reply = display.reply_text(
                display.typed_reply_text(str(raw), locale=language), meanings=meaning,
                locale=language,
            )  # fmt: skip
            shown.append((pick_text(characteristic.names, language) or code, reply))
        line["replies"] = shown


def _label(choices: Any, value: str | None) -> str:
    return str(choices(value).label) if value in choices.values else (value or "")


def _decision_labels(line: dict) -> dict[str, str]:
    """The line's decision codes in words, for plain mode."""
    return {
        "decision": _label(LineDecision, line.get("decision")),
        "reject_reason": _label(LineRejectReason, line.get("reject_reason")),
        "justification": _label(ScreeningJustification, line.get("justification")),
    }


def _decision_form(line: dict) -> DecisionForm:
    candidates = (line.get("screening") or {}).get("candidates") or []
    best = candidates[0]["catalogue_number"] if candidates else ""
    suggested = "register" if line.get("verdict") == "duplicate" else "assign"
    return DecisionForm(
        initial={
            "decision": line.get("decision") or suggested,
            "item": line.get("decision_item") or best,
            "reject_reason": line.get("reject_reason") or "",
            "justification": line.get("justification") or "",
            "note": line.get("note") or "",
            "row_version": line["row_version"],
        },
        prefix=f"line{line['position']}",
    )


@login_required
@require_POST
@shows_refusals
def request_transition(request: SignedInRequest, request_id: int, name: str) -> HttpResponse:
    record = _visible(request, request_id)
    reason = request.POST.get("reason", "")
    try:
        services.request_transition(
            actor=request.user,
            request=record,
            name=name,
            expected_version=_version(request),
            reason=reason,
        )
    except KatalogError as exc:
        record.refresh_from_db()
        step: dict[str, Any] = {
            "name": name,
            "refusal": refusal_words(exc),
            "code": exc.code,
            "reason": reason,
        }
        if exc.data.get("publish_failed"):
            step.update(publish_failed=True, line=exc.data.get("line"), why=exc.message)
        context = _detail_context(request, record, step=step)
        # A reason to correct is a form to correct (200, as for an invalid form).
        status = 200 if isinstance(exc, ValidationFailed) else exc.status
        return render(request, "web/request_detail.html", context, status=status)
    messages.success(request, _("Done: %(step)s.") % {"step": STEP_LABELS.get(name, name)})
    return redirect("web:request-detail", request_id=record.pk)


@login_required
@require_POST
@shows_refusals
def line_decide(request: SignedInRequest, request_id: int, position: int) -> HttpResponse:
    record = _visible(request, request_id)
    line = selectors.request_line_get(record, position)
    form = DecisionForm(request.POST, prefix=f"line{position}")
    if not form.is_valid():
        context = _detail_context(request, record, bound={position: form})
        return render(request, "web/request_detail.html", context)
    try:
        _decide(request, line, form.cleaned_data)
    except KatalogError as exc:
        if isinstance(exc, PreconditionFailed):
            form, status = _rebound_to_current(request, record, position), exc.status
        else:
            status = put_on_form(form, exc, lambda name: name)
        record.refresh_from_db()
        context = _detail_context(request, record, bound={position: form})
        return render(request, "web/request_detail.html", context, status=status)
    messages.success(request, _("Decision recorded for line %(n)s.") % {"n": position})
    return redirect("web:request-detail", request_id=record.pk)


def _rebound_to_current(
    request: HttpRequest, record: CodificationRequest, position: int
) -> DecisionForm:
    """Someone changed the line meanwhile: the decision as typed, now against the line as it is,
    so that the person checks the page and sends it again knowingly."""
    current = selectors.request_line_get(record, position)
    data = request.POST.copy()
    data[f"line{position}-row_version"] = str(current.row_version)
    form = DecisionForm(data, prefix=f"line{position}")
    form.is_valid()
    form.refusal_code = CatalogErrorCode.VERSION_STALE
    form.add_error(
        None,
        _(
            "Someone changed this line meanwhile; the page shows it as it is now. Check it, "
            "then send your decision again."
        ),
    )
    return form


def _decide(request: SignedInRequest, line: RequestLine, data: dict[str, Any]) -> None:
    wanted = data["decision"] == "register" and data["item"]
    item = item_for_field(data["item"], "item", reader=request.user) if wanted else None
    services.request_line_decide(
        actor=request.user, line=line, decision=data["decision"], item=item,
        reject_reason=data["reject_reason"], justification=data["justification"], note=data["note"],
        expected_version=data["row_version"],
    )  # fmt: skip


# --- the guide-driven line form ----------------------------------------------------------------


def _line_form(item_name_code: str, data: Any = None) -> LineForm:
    item_name = names.item_name_get(item_name_code)
    language = prefs.language()
    classes = [(c.class_code, c.class_code) for c in item_name.classes.all()] or [("", "—")]
    characteristics = item_name.guide.characteristics.all() if item_name.guide else []
    reply_codes = {c.pk: names.reply_choices(c) for c in characteristics if c.reply_table_id}
    return LineForm(
        data, item_name=item_name, classes=classes, language=language, reply_codes=reply_codes
    )


@login_required
@shows_refusals
def line_new(request: SignedInRequest, request_id: int) -> HttpResponse:
    record = _visible(request, request_id)
    item_name_code = (request.POST.get("item_name") or request.GET.get("item_name") or "").strip()
    if not item_name_code:
        q = request.GET.get("q", "")
        context = {"record": record, "names": names.item_name_list(q=q), "q": q}
        return render(request, "web/line_choose_name.html", context)
    form = _line_form(item_name_code, request.POST or None)
    status = 200
    if request.method == "POST" and form.is_valid():
        try:
            services.request_line_add(
                actor=request.user, request=record, item_name_code=item_name_code,
                supply_class=form.cleaned_data["supply_class"], name_text=form.cleaned_data["name_text"],
                references=form.references(), characteristics=form.replies(), locale=prefs.language(),
                expected_version=_version(request),
            )  # fmt: skip
        except KatalogError as exc:
            status = put_on_form(form, exc, form.field_for_error)
            record.refresh_from_db()
        else:
            messages.success(request, _("Line added. Screening results are shown below."))
            return redirect("web:request-detail", request_id=record.pk)
    context = {"record": record, "form": form}
    return render(request, "web/line_form.html", context, status=status)


@login_required
def reply_check(request: HttpRequest) -> HttpResponse:
    """Inline check of one reply as it is typed: the parsed value, or why it is not valid."""
    params = request.GET
    code = next((k[len("char_") :] for k in params if k.startswith("char_")), "")
    try:
        characteristic = names.guide_characteristic(params.get("item_name", ""), code)
        raw = combine_reply(
            characteristic, params.get(f"char_{code}", "").strip(), params.get(f"unit_{code}", "")
        )
        if not raw:
            return render(request, "web/_reply_check.html", {"empty": True})
        parsed = parse_reply(characteristic, raw, locale=prefs.language())
    except KatalogError as exc:
        return render(request, "web/_reply_check.html", {"error": exc})
    return render(request, "web/_reply_check.html", {"parsed": parsed, "raw": raw})


@login_required
@require_POST
@shows_refusals
def line_preview(request: HttpRequest, request_id: int) -> HttpResponse:
    """Screen the line being typed, before it is saved or submitted."""
    _visible(request, request_id)
    form = _line_form(request.POST.get("item_name", ""))
    query = ScreeningInput(
        references=tuple(
            ReferenceInput(number=r["number"], manufacturer_code=r["manufacturer_code"])
            for r in form.references(request.POST)
        ),
        item_name_code=form.item_name_record.code,
        supply_class=request.POST.get("supply_class", ""),
        characteristics=form.replies(request.POST),
        locale=prefs.language(),
    )
    result = screen(query, reader=request.user).to_dict()
    template = "web/_screening.html"
    context = {"screening": result, "expert": prefs.is_expert(request), "preview": True}
    if not is_htmx(request):
        template = "web/screening_preview.html"
    return render(request, template, context)

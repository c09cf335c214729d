"""The command-line front of the NATS JetStream transport: `nats-setup`, `nats-publish` and
`nats-pull`, added to a command's sub-commands by `parsers_add` and run by `handle`."""

from __future__ import annotations

from typing import Any

from django.utils.translation import gettext as _

from katalog.exchange import nats_transport as transport
from katalog.exchange.selectors import local_node

PREFIX = "nats-"


def _connection_arguments(parser: Any) -> None:
    parser.add_argument(
        "--server",
        default="",
        metavar="URL",
        help=_("the NATS server (default: $KATALOG_NATS_URL)"),
    )
    parser.add_argument(
        "--domain",
        default=None,
        help=_("the JetStream domain of that server (default: $KATALOG_NATS_DOMAIN)"),
    )


def parsers_add(actions: Any, *, prefix: str = PREFIX) -> None:
    """Add the three sub-commands, named `<prefix>setup`, `<prefix>publish`, `<prefix>pull`."""
    setup = actions.add_parser(
        prefix + "setup", help=_("create or update this node's JetStream stream and its sources")
    )
    _connection_arguments(setup)
    setup.add_argument(
        "--source",
        action="append",
        default=[],
        metavar="NODE[@DOMAIN]",
        help=_("a node whose stream this one sources, NODE or NODE@DOMAIN (repeatable)"),
    )
    publish = actions.add_parser(
        prefix + "publish", help=_("publish this node's new events to its stream")
    )
    _connection_arguments(publish)
    pull = actions.add_parser(
        prefix + "pull", help=_("read, apply and acknowledge the events of a stream")
    )
    _connection_arguments(pull)
    pull.add_argument(
        "--from",
        dest="stream_of",
        default="",
        metavar="NODE[@DOMAIN]",
        help=_("whose stream to read, NODE or NODE@DOMAIN (default: this node's own)"),
    )
    pull.add_argument(
        "--follow", action="store_true", help=_("keep reading new events until interrupted")
    )


def handle(action: str, options: dict[str, Any], out: Any, *, prefix: str = PREFIX) -> None:
    """Run sub-command `action` (with its prefix) writing its report to `out`."""
    run = {"setup": _setup, "publish": _publish, "pull": _pull}[action.removeprefix(prefix)]
    layout = transport.Layout.from_settings()
    origin = local_node().name
    with transport.Broker(options["server"], domain=options["domain"]) as broker:
        run(broker, layout, origin, options, out)


def _setup(
    broker: transport.Broker, layout: transport.Layout, origin: str, options: Any, out: Any
) -> None:
    refs = [transport.StreamRef.parse(text) for text in options["source"]]
    report = transport.stream_setup(broker, layout, origin, refs)
    names = {"stream": report.stream, "subject": report.subject}
    if report.created:
        out.write(_("Stream %(stream)s created for subject %(subject)s") % names)
    else:
        out.write(_("Stream %(stream)s already exists for subject %(subject)s") % names)
    for ref in report.added:
        names = {"stream": layout.stream(ref.origin), "node": ref.origin, "domain": ref.domain}
        if ref.domain:
            out.write(
                _("Now sources stream %(stream)s of node %(node)s in JetStream domain %(domain)s")
                % names
            )
        else:
            out.write(_("Now sources stream %(stream)s of node %(node)s") % names)


def _publish(
    broker: transport.Broker, layout: transport.Layout, origin: str, options: Any, out: Any
) -> None:
    report = transport.outbox_publish(broker, layout)
    out.write(
        _(
            "%(published)d events published to %(stream)s, %(duplicates)d of them there already; "
            "the stream holds this node's events up to %(seq)d"
        )
        % {
            "published": report.published,
            "duplicates": report.duplicates,
            "stream": layout.stream(origin),
            "seq": report.last_seq,
        }
    )


def _pull(
    broker: transport.Broker, layout: transport.Layout, origin: str, options: Any, out: Any
) -> None:
    text = options["stream_of"]
    source = transport.StreamRef.parse(text) if text else transport.StreamRef(origin)

    def write(report: transport.PullReport) -> None:
        out.write(
            _("%(count)d messages read from %(stream)s, %(own)d of them this node's own")
            % {"count": report.messages, "stream": report.stream, "own": report.own}
            + "; "
            + _(
                "%(applied)d applied, %(duplicates)d already here, %(waiting)d waiting, %(problems)d problems"
            )
            % vars(report)
        )

    report = transport.stream_pull(
        broker,
        layout,
        reader=origin,
        source=source,
        follow=options["follow"],
        progress=write if options["follow"] else None,
    )
    write(report)

"""Benchmark figures and their Markdown table."""

from __future__ import annotations

from dataclasses import dataclass

NOT_AVAILABLE = "n/a (not available)"


@dataclass
class Figure:
    section: str
    name: str
    result: str
    comparison: str = ""
    goal: str = ""
    met: bool | None = None  # None: no goal, or nothing measured

    @property
    def verdict(self) -> str:
        if self.met is None:
            return "—"
        return "yes" if self.met else "**no**"


def render(
    title: str, facts: list[tuple[str, str]], figures: list[Figure], notes: list[str]
) -> str:
    lines = [f"# {title}", ""]
    lines += [f"- **{label}:** {value}" for label, value in facts]
    lines += [
        "",
        "| section | figure | result | comparison in the same run | goal | met |",
        "|---|---|---|---|---|---|",
    ]
    for f in figures:
        cells = [f.section, f.name, f.result, f.comparison or "—", f.goal or "—", f.verdict]
        lines.append(
            "| " + " | ".join(" ".join(c.split()).replace("|", "\\|") for c in cells) + " |"
        )
    if notes:
        lines += ["", "Notes:", ""] + [f"- {note}" for note in notes]
    return "\n".join(lines) + "\n"


def ms(value: float) -> str:
    return f"{value:.2f} ms" if value >= 0.1 else f"{value:.3f} ms"


def rate(value: float) -> str:
    return f"{value:,.0f} rows/s"

"""The check-in history chart: mood and cravings per day as a PNG, missed days left as gaps."""

from __future__ import annotations

import io
from collections.abc import Mapping
from dataclasses import dataclass
from datetime import date, datetime, timedelta


@dataclass(frozen=True)
class ChartWords:
    """The chart's axis labels and title, in the reader's language."""

    mood: str = "mood"
    cravings: str = "cravings"
    title: str = ""


def history_png(
    first: date,
    last: date,
    days: Mapping[date, tuple[float, float | None]],
    words: ChartWords | None = None,
) -> bytes:
    """A PNG of mood (1-5) and cravings (0-10) for every day from `first` to `last`.

    `days` maps a check-in day to its (mood, cravings); days without an entry, and cravings
    that were not given (None), are gaps.
    """
    words = words or ChartWords(title=f"Your check-ins, {first.isoformat()} to {last.isoformat()}")
    # The object API with the Agg canvas: no display, no pyplot global state, safe in a thread.
    from matplotlib.backends.backend_agg import FigureCanvasAgg
    from matplotlib.dates import DateFormatter
    from matplotlib.figure import Figure

    span = (last - first).days + 1
    xs = [first + timedelta(days=i) for i in range(span)]
    nan = float("nan")
    mood = [days[d][0] if d in days else nan for d in xs]
    cravings = [nan if (c := days.get(d, (0, None))[1]) is None else c for d in xs]
    # Markers keep a lone day between two missed days visible (a line needs two points).
    size = 4 if span <= 60 else 2

    fig = Figure(figsize=(8, 4.5), dpi=100)
    FigureCanvasAgg(fig)
    top, bottom = fig.subplots(2, 1, sharex=True)
    top.plot(xs, mood, color="#2e7d32", marker="o", markersize=size, linewidth=1.8)
    top.set_ylim(0.5, 5.5)
    top.set_yticks([1, 2, 3, 4, 5])
    top.set_ylabel(words.mood)
    top.grid(alpha=0.3)
    bottom.plot(xs, cravings, color="#6a1b9a", marker="o", markersize=size, linewidth=1.8)
    bottom.set_ylim(-0.5, 10.5)
    bottom.set_yticks([0, 5, 10])
    bottom.set_ylabel(words.cravings)
    bottom.grid(alpha=0.3)
    # All-gap days confuse autoscaling: pin the axis to the days asked for.
    half = timedelta(hours=12)
    bottom.set_xlim(datetime.combine(first, datetime.min.time()) - half,
                    datetime.combine(last, datetime.min.time()) + half)  # fmt: skip
    bottom.xaxis.set_major_formatter(DateFormatter("%m-%d"))
    top.set_title(words.title)
    fig.autofmt_xdate()
    fig.tight_layout()
    buffer = io.BytesIO()
    fig.savefig(buffer, format="png")
    return buffer.getvalue()

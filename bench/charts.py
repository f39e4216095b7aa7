"""The charts `make bench` draws (bench/charts/*.png): the result at a glance.

Pure drawing: the figures come in as plain numbers from ``run_bench.py``.
"""

from __future__ import annotations

from pathlib import Path

import matplotlib

matplotlib.use("Agg")  # files only, no display
import matplotlib.pyplot as plt  # noqa: E402

OURS, BASE = "ours", "crhelper"
LABELS = {OURS: "identity-pool-provider (Rust)", BASE: "crhelper + boto3 (Python)"}
COLORS = {OURS: "#d9480f", BASE: "#1c7ed6"}


def cold_chart(path: Path, answer_ms: dict[str, dict[str, float]], rss_mib: dict[str, float]) -> None:
    """Cold first answer per TLS configuration (log scale) and peak RSS, side by side."""
    configs = list(answer_ms[OURS])
    fig, (left, right) = plt.subplots(1, 2, figsize=(11, 4.2), gridspec_kw={"width_ratios": [3, 2]})
    width = 0.38
    for offset, key in ((-width / 2, OURS), (width / 2, BASE)):
        values = [answer_ms[key][config] for config in configs]
        bars = left.bar([i + offset for i in range(len(configs))], values, width,
                        label=LABELS[key], color=COLORS[key])
        left.bar_label(bars, labels=[f"{v:.1f} ms" for v in values], padding=2, fontsize=9)
    left.set_yscale("log")
    left.set_xticks(range(len(configs)), configs)
    left.set_ylabel("ms (median, log scale)")
    ratio = answer_ms[BASE][configs[0]] / answer_ms[OURS][configs[0]]
    left.set_title(f"Cold first answer: {ratio:.0f}× faster ({configs[0]})")
    left.legend(loc="upper center", bbox_to_anchor=(0.5, -0.1), ncol=2, fontsize=9)
    left.margins(y=0.25)

    keys = [OURS, BASE]
    bars = right.bar([LABELS[k].split(" (")[0] for k in keys], [rss_mib[k] for k in keys],
                     color=[COLORS[k] for k in keys])
    right.bar_label(bars, labels=[f"{rss_mib[k]:.1f} MiB" for k in keys], padding=2, fontsize=9)
    right.set_ylabel("MiB")
    right.set_title(f"Peak RSS after warm lifecycles: {rss_mib[BASE] / rss_mib[OURS]:.1f}× lower")
    right.margins(y=0.15)
    fig.tight_layout()
    fig.savefig(path, dpi=110)
    plt.close(fig)


def scale_chart(path: Path, sizes: list[int], create_ms: dict[str, list[float]],
                create_calls: dict[str, list[float]], burst: dict[str, tuple[float, int, int]],
                burst_label: str) -> None:
    """Create latency against account size, each point labelled with its calls, and
    the burst: when the last answer came and how many failed."""
    fig, (left, right) = plt.subplots(1, 2, figsize=(11, 4.2), gridspec_kw={"width_ratios": [3, 2]})
    for key in (OURS, BASE):
        left.plot(sizes, create_ms[key], marker="o", color=COLORS[key], label=LABELS[key])
        for x, y, calls in zip(sizes, create_ms[key], create_calls[key]):
            left.annotate(f"{calls:g} call{'' if calls == 1 else 's'}", (x, y), textcoords="offset points",
                          xytext=(0, 7 if key == OURS else -14), ha="center", fontsize=9, color=COLORS[key])
    left.set_xticks(sizes)
    left.set_xlabel("identity pools already in the account")
    left.set_ylabel("ms to answer (median)")
    left.set_ylim(bottom=0, top=max(max(v) for v in create_ms.values()) * 1.4)
    left.set_title("Create latency against account size")
    left.legend(loc="upper center", bbox_to_anchor=(0.5, -0.15), ncol=2, fontsize=9)

    keys = [OURS, BASE]
    bars = right.bar([LABELS[k].split(" (")[0] for k in keys], [burst[k][0] for k in keys],
                     color=[COLORS[k] for k in keys])
    right.bar_label(bars, labels=[f"{burst[k][0]:.1f} s\n{burst[k][1]} of {burst[k][2]} FAILED" for k in keys],
                    padding=2, fontsize=9)
    right.axhline(10, color="grey", linestyle="--", linewidth=1)
    right.text(1.45, 10, "10 s target", ha="right", va="bottom", fontsize=8, color="grey")
    right.set_ylabel("s until the last answer")
    right.set_title(burst_label, fontsize=10)
    right.margins(y=0.3)
    fig.tight_layout()
    fig.savefig(path, dpi=110)
    plt.close(fig)

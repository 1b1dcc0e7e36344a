"""The insights page's sections, in page order. Each builds its template's context from the
parsed request and gives its numbers as a table, which is both its table view and its CSV
download (`/insights/<name>.csv`), so the download always holds what the page shows."""

from collections.abc import Callable
from dataclasses import dataclass

from insights.anomalies import anomalies_section, anomalies_table
from insights.chart import sales_chart_section, sales_chart_table
from insights.figures import figures_section, figures_table
from insights.funnel import funnel_section, funnel_table
from insights.regions import regions_section, regions_table
from insights.scope import InsightRequest
from insights.top_lines import PRODUCTS, SKUS, lines_section, lines_table


@dataclass(frozen=True)
class Table:
    header: list[str]
    rows: list[list]  # cells: str, int or Decimal


@dataclass(frozen=True)
class Section:
    name: str  # in the CSV's URL and file name
    title: str
    template: str
    build: Callable[[InsightRequest], dict]  # the template's context
    table: Callable[[dict], Table]  # from that context


SECTIONS = (
    Section(
        "figures",
        "Figures",
        "insights/_figures.html",
        figures_section,
        lambda context: Table(*figures_table(context)),
    ),
    Section(
        "sales",
        "Sales over time",
        "insights/_sales_chart.html",
        sales_chart_section,
        lambda context: Table(*sales_chart_table(context)),
    ),
    Section(
        "anomalies",
        "Days and regions that stand out",
        "insights/_anomalies.html",
        anomalies_section,
        lambda context: Table(*anomalies_table(context)),
    ),
    Section(
        "products",
        "Top products",
        "insights/_products.html",
        lambda parsed: lines_section(PRODUCTS, parsed),
        lambda context: Table(*lines_table(context)),
    ),
    Section(
        "skus",
        "Top SKUs",
        "insights/_products.html",
        lambda parsed: lines_section(SKUS, parsed),
        lambda context: Table(*lines_table(context)),
    ),
    Section(
        "regions",
        "Sales by region",
        "insights/_regions.html",
        regions_section,
        lambda context: Table(*regions_table(context)),
    ),
    Section(
        "funnel",
        "Status funnel",
        "insights/_funnel.html",
        funnel_section,
        lambda context: Table(*funnel_table(context)),
    ),
)
BY_NAME = {section.name: section for section in SECTIONS}

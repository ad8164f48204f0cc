/** The headline figures each benchmark hands to the summary table, with the target each is held to. */

export interface Target {
  readonly comparison: "<" | "≥";
  readonly value: number;
}

export interface Figure {
  readonly benchmark: string;
  readonly measure: string;
  readonly value: number;
  readonly unit: string;
  readonly target?: Target;
}

export function targetMet(figure: Figure): boolean | undefined {
  const { target } = figure;
  if (target === undefined) return undefined;
  return target.comparison === "<" ? figure.value < target.value : figure.value >= target.value;
}

/** Three significant figures, with thousands separators for big numbers. */
export function formatNumber(value: number): string {
  if (!Number.isFinite(value)) return String(value);
  if (Math.abs(value) >= 1000) return Math.round(value).toLocaleString("en-GB");
  return Number(value.toPrecision(3)).toLocaleString("en-GB", { maximumFractionDigits: 3 });
}

export function figureTable(figures: readonly Figure[]): string {
  const rows = figures.map((figure) => {
    const met = targetMet(figure);
    return [
      figure.benchmark,
      figure.measure,
      `${formatNumber(figure.value)} ${figure.unit}`,
      figure.target === undefined ? "" : `${figure.target.comparison} ${formatNumber(figure.target.value)}`,
      met === undefined ? "" : met ? "met" : "MISSED",
    ];
  });
  const header = ["benchmark", "measure", "figure", "target", ""];
  const widths = header.map((title, column) =>
    Math.max(title.length, ...rows.map((row) => (row[column] ?? "").length)),
  );
  const line = (cells: readonly string[]) =>
    cells
      .map((cell, column) => cell.padEnd(widths[column] ?? 0))
      .join("  ")
      .trimEnd();
  return [line(header), line(widths.map((width) => "-".repeat(width))), ...rows.map(line)].join("\n");
}

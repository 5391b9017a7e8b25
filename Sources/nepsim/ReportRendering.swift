import Analysis

/// A report in the format asked for: the one place `nepsim report` and `nepsim simulate` turn
/// their `ReportData` into text, so both print the same tables, CSV, JSON and HTML.
/// `why`: the HTML sections `report --why` adds.
func render(_ data: ReportData, as format: ChartFormat, why: String = "") throws -> String {
    switch format {
    case .table: return ReportText.table(data)
    case .csv: return ReportText.csv(data)
    case .json: return try jsonText(data)
    case .html: return HTMLReport.render(data, why: why)
    }
}

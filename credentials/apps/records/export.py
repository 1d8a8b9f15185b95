"""The program record as CSV (spec/pages.md §5.7)."""

CSV_COLUMNS = ["name", "school", "attempts", "course_id", "issue_date", "percent_grade", "letter_grade"]
# Cells a spreadsheet would run as a formula; such a cell is prefixed with a quote (OWASP CSV injection).
# Spreadsheets skip leading whitespace (" =1+1" runs too), and some read the full-width signs as formulas.
_FORMULA_STARTS = ("=", "+", "-", "@", "\uff1d", "\uff0b", "\uff0d", "\uff20")
_CONTROL_STARTS = ("\t", "\r", "\n")


def _csv_cell(value):
    if isinstance(value, str) and (value.startswith(_CONTROL_STARTS) or value.lstrip().startswith(_FORMULA_STARTS)):
        return "'" + value
    return value


def program_record_csv_rows(record):
    """Eight metadata rows, the header and one row per course, in the exact upstream layout."""
    program, learner = record["program"], record["learner"]
    rows = [
        ["Program Name", program["name"]],
        ["Program Type", program["type_name"]],
        ["Platform Provider", record["platform_name"]],
        ["Authoring Organization(s)", program["school"]],
        ["Learner Name", learner["full_name"]],
        ["Username", learner["username"]],
        ["Email", learner["email"]],
        [""],
        CSV_COLUMNS,
    ]
    rows.extend([row[column] for column in CSV_COLUMNS] for row in record["grades"])
    return [[_csv_cell(value) for value in row] for row in rows]


def program_record_csv_filename(record):
    """`<username>_<program name>_grades.csv`, spaces → "_", lower-cased; quotes and controls dropped."""
    name = f"{record['learner']['username']}_{record['program']['name']}_grades".replace(" ", "_").lower()
    return "".join(char for char in name if char.isprintable() and char not in '"\\') + ".csv"

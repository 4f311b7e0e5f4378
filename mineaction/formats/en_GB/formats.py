"""British English, but dates typed and shown in forms as ISO 8601 (2021-05-27), as editors type them.

Django's en_GB lists 27/05/2021 first, so a date typed as 2021-05-27 came
back as 27/05/2021 and the admin's calendar wrote it that way. The first
format is the one forms show and the calendar writes; the others are still
accepted when typed.
"""

DATE_INPUT_FORMATS = ["%Y-%m-%d", "%d/%m/%Y", "%d/%m/%y", "%d %b %Y", "%d %B %Y"]
DATETIME_INPUT_FORMATS = [
    "%Y-%m-%d %H:%M:%S",
    "%Y-%m-%d %H:%M:%S.%f",
    "%Y-%m-%d %H:%M",
    "%d/%m/%Y %H:%M:%S",
    "%d/%m/%Y %H:%M",
]

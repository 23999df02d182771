"""Rules raised while a file's text is read (see cld.ingest.text)."""

from cld.validation.registry import declare

declare("CLD120", "Row in another text encoding", "warning",
        "Save the whole file once as 'CSV UTF-8 (Comma delimited)': rows pasted in from "
        "another file can carry another encoding, which garbles accented letters and symbols.",
        "Invitation letter: the data in CSV format", "structure", "any")

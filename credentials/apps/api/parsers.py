"""Request parsers of the API: DRF's, with one hostile input handled."""

from rest_framework.exceptions import ParseError
from rest_framework.parsers import JSONParser as DRFJSONParser


class JSONParser(DRFJSONParser):
    """DRF's JSON parser, except that JSON nested deeper than the decoder's recursion limit (a few hundred bytes
    of ``[[[[...``) is a 400 like any other malformed body, not a RecursionError and a 500."""

    def parse(self, stream, media_type=None, parser_context=None):
        try:
            return super().parse(stream, media_type, parser_context)
        except RecursionError as exc:
            raise ParseError("JSON parse error - the body is nested too deeply.") from exc

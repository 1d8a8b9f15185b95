"""Shapes of the records JSON API (spec/api.md §11). The record itself is built by records/api.py;
these serializers fix its keys and their order, and document them in the OpenAPI schema."""

from drf_spectacular.utils import extend_schema_field, extend_schema_serializer
from rest_framework import serializers


@extend_schema_field({"oneOf": [{"type": "number"}, {"type": "string", "enum": [""]}]})
class AsIsField(serializers.Field):
    """A value that is a number or "" (spec/api.md §11.2: row fields are never null), passed through."""

    def to_representation(self, value):
        return value


class LearnerSerializer(serializers.Serializer):
    full_name = serializers.CharField()
    username = serializers.CharField()
    email = serializers.CharField()


class RecordProgramSerializer(serializers.Serializer):
    name = serializers.CharField()
    type = serializers.CharField()
    type_name = serializers.CharField()
    completed = serializers.BooleanField()
    empty = serializers.BooleanField()
    last_updated = serializers.CharField(help_text="ISO 8601")
    school = serializers.CharField()


class GradeRowSerializer(serializers.Serializer):
    name = serializers.CharField()
    school = serializers.CharField()
    attempts = AsIsField(help_text='An integer, or "" when the course was not earned with a grade.')
    course_id = serializers.CharField()
    issue_date = serializers.CharField(help_text='ISO 8601, or "" when not earned.')
    percent_grade = AsIsField(help_text='A fraction (0.95), or "".')
    letter_grade = serializers.CharField()


class PathwaySerializer(serializers.Serializer):
    name = serializers.CharField()
    id = serializers.IntegerField()
    status = serializers.CharField(help_text='"sent" or "".')
    is_active = serializers.BooleanField()
    pathway_type = serializers.CharField()


class ProgramRecordSerializer(serializers.Serializer):
    learner = LearnerSerializer()
    program = RecordProgramSerializer()
    platform_name = serializers.CharField()
    grades = GradeRowSerializer(many=True)
    pathways = PathwaySerializer(many=True)
    shared_program_record_uuid = serializers.CharField(allow_null=True)


class ProgramRecordResponseSerializer(serializers.Serializer):
    record = ProgramRecordSerializer()
    is_public = serializers.BooleanField()
    uuid = serializers.CharField(help_text="The path segment exactly as sent.")
    records_help_url = serializers.CharField()


class EnrolledProgramSerializer(serializers.Serializer):
    name = serializers.CharField()
    uuid = serializers.CharField(help_text="32 hex digits")
    partner = serializers.CharField()
    completed = serializers.BooleanField()
    empty = serializers.BooleanField()


@extend_schema_serializer(many=False)  # the list action answers this one object, not an array of it
class ProgramRecordListSerializer(serializers.Serializer):
    enrolled_programs = EnrolledProgramSerializer(many=True)


class CsrfTokenSerializer(serializers.Serializer):
    csrfToken = serializers.CharField()  # noqa: N815 (the wire name)

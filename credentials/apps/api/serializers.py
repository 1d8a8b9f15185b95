"""Request validation and response shapes of the v2 API (spec/api.md §5-10). Business rules live in the
apps' api.py; these only parse and format."""

import uuid
from datetime import UTC

from django.conf import settings
from django.db import models
from django.utils import timezone
from django.utils.translation import gettext as _
from drf_spectacular.utils import extend_schema_field
from rest_framework import serializers
from rest_framework.settings import api_settings

from credentials.apps.credentials import api as credentials_api
from credentials.apps.credentials.constants import (
    COURSE_RUN_TYPE,
    MAX_ATTRIBUTES_PER_CREDENTIAL,
    PROGRAM_TYPE,
    CertificateType,
    UserCredentialStatus,
)
from credentials.apps.credentials.models import CourseCertificate, validate_course_key
from credentials.apps.records import api as records_api
from credentials.apps.records.models import UserGrade


class PrototypeFieldsMixin:
    """Fields made once per serializer class; each instance gets shallow copies to bind.

    DRF deep-copies every declared field (re-running each field's constructor, and a ModelSerializer derives
    them from the model first) for each serializer instance: on the LMS's write path, two per request, that
    cost more than validating the data. A field's construction arguments never change, and binding sets only
    the copy's own attributes (name, parent, source). Nested serializers (attributes, the date override) are
    shared between instances: they validate without state of their own and read no context."""

    def get_fields(self):
        prototype = type(self).__dict__.get("_fields_prototype")
        if prototype is None:
            prototype = super().get_fields()
            type(self)._fields_prototype = prototype
        return {name: _unbound_copy(field) for name, field in prototype.items()}


def _unbound_copy(field):
    """What ``copy.copy`` makes of a field (a new object sharing the attributes), a third of its cost: copy's
    generic reduce-and-reconstruct protocol is not needed for an object that is only its ``__dict__``."""
    clone = object.__new__(type(field))
    clone.__dict__.update(field.__dict__)
    return clone


# --- Credentials ---------------------------------------------------------------------------------------


def credential_identity(user_credential):
    """The `credential` object of spec/api.md §5.2, from the annotations of
    credentials_api.with_configuration_fields() when present, else from the configuration itself."""
    if user_credential.credential_content_type_id == credentials_api.program_content_type().pk:
        program_uuid = getattr(user_credential, "configuration_program_uuid", None)
        if program_uuid is None:
            program_uuid = user_credential.credential.program_uuid
        return {"type": PROGRAM_TYPE, "credential_id": user_credential.credential_id, "program_uuid": str(program_uuid)}
    course_id = getattr(user_credential, "configuration_course_id", None)
    if course_id is None:
        configuration = user_credential.credential
        course_id, mode = configuration.course_id, configuration.certificate_type
    else:
        mode = user_credential.configuration_certificate_type
    return {"type": COURSE_RUN_TYPE, "course_run_key": course_id, "mode": mode}


class DateTimeField(serializers.DateTimeField):
    """DRF's DateTimeField in the default time zone (settings.TIME_ZONE), which is the current one in this
    service: no request activates another. DRF asks for the current zone for every value it reads or writes,
    a context-local lookup that raises and catches an AttributeError when none is active (~2 % of the
    instructions of a posted grade, issue 20); Django keeps the default one at hand."""

    def default_timezone(self):
        return timezone.get_default_timezone() if settings.USE_TZ else None


class ModelSerializer(serializers.ModelSerializer):
    """DRF's ModelSerializer whose fields for the model's datetimes are the DateTimeField above."""

    serializer_field_mapping = {
        **serializers.ModelSerializer.serializer_field_mapping,
        models.DateTimeField: DateTimeField,
    }


def format_datetime(value):
    """Serializer datetimes on the wire: UTC, no fraction, `Z` (REST_FRAMEWORK["DATETIME_FORMAT"])."""
    return value.astimezone(UTC).strftime(api_settings.DATETIME_FORMAT) if value is not None else None


@extend_schema_field(
    {
        "type": "object",
        "description": "Input: {program_uuid} or {course_run_key, mode}. Output: "
        "{type: program, credential_id, program_uuid} or {type: course-run, course_run_key, mode}.",
        "properties": {
            "type": {"type": "string", "enum": [PROGRAM_TYPE, COURSE_RUN_TYPE]},
            "credential_id": {"type": "integer", "readOnly": True},
            "program_uuid": {"type": "string", "format": "uuid"},
            "course_run_key": {"type": "string"},
            "mode": {"type": "string"},
        },
    }
)
class CredentialField(serializers.Field):
    """Names the configuration a credential is for. Parsing only: resolving it is the service's job."""

    default_error_messages = {
        "missing": _("Credential identifier is missing."),
        "invalid_uuid": _("“%(value)s” is not a valid UUID."),
    }

    def to_internal_value(self, data):
        if not isinstance(data, dict):
            self.fail("missing")
        if data.get("program_uuid"):
            try:
                return {"program_uuid": uuid.UUID(str(data["program_uuid"]))}
            except ValueError:
                value = str(data["program_uuid"])
                value = value if len(value) <= 100 else value[:100] + "…"  # never echo a huge value in full
                raise serializers.ValidationError(
                    self.error_messages["invalid_uuid"] % {"value": value}, code="invalid"
                ) from None
        course_run_key = data.get("course_run_key")
        if not course_run_key or not isinstance(course_run_key, str):
            self.fail("missing")
        mode = data.get("mode")
        if mode is not None and (not isinstance(mode, str) or len(mode) > 255):
            raise serializers.ValidationError({"mode": _("Enter a certificate type of at most 255 characters.")})
        return {"course_run_key": course_run_key, "mode": mode}

    def to_representation(self, user_credential):
        return credential_identity(user_credential)


class AttributeSerializer(serializers.Serializer):
    name = serializers.CharField(max_length=255)
    value = serializers.CharField(max_length=255, allow_blank=True)


class DateOverrideSerializer(serializers.Serializer):
    date = DateTimeField()


class UserCredentialSerializer(PrototypeFieldsMixin, serializers.Serializer):
    """A learner's credential: who holds it, what it awards (a program, or a course run and certificate type),
    its status, attributes and dates. POST takes the same shape."""

    username = serializers.CharField(max_length=255)
    credential = CredentialField(source="*")
    status = serializers.ChoiceField(choices=UserCredentialStatus.CHOICES, default=UserCredentialStatus.AWARDED)
    uuid = serializers.UUIDField(read_only=True)
    attributes = AttributeSerializer(many=True, required=False, max_length=MAX_ATTRIBUTES_PER_CREDENTIAL)
    date_override = DateOverrideSerializer(required=False, allow_null=True)
    created = DateTimeField(read_only=True)
    modified = DateTimeField(read_only=True)
    certificate_url = serializers.SerializerMethodField()
    lms_user_id = serializers.CharField(write_only=True, required=False, allow_null=True, max_length=64)

    def to_internal_value(self, data):
        # `credential` is read from the whole object (source="*") only on output; on input it is a field.
        validated = super().to_internal_value(data)
        validated["credential"] = {
            key: validated.pop(key) for key in ("program_uuid", "course_run_key", "mode") if key in validated
        }
        return validated

    def validate_attributes(self, attributes):
        names = [attribute["name"] for attribute in attributes]
        if len(names) != len(set(names)):
            raise serializers.ValidationError(_("Attribute names cannot be duplicated."))
        return attributes

    def get_certificate_url(self, user_credential) -> str:
        return self.context["request"].build_absolute_uri(user_credential.get_absolute_url())

    def to_representation(self, instance):
        # Written out rather than walking the declared fields: a page of 20 credentials is rendered on the
        # LMS dashboard's hot path, and this is several times faster. The declared fields still describe
        # the shape (validation, OpenAPI schema).
        override = instance.get_date_override()
        if "site_root" not in self.context:
            self.context["site_root"] = self.context["request"].build_absolute_uri("/").rstrip("/")
        return {
            "username": instance.username,
            "credential": credential_identity(instance),
            "status": instance.status,
            "uuid": str(instance.uuid),
            "attributes": [{"name": name, "value": value} for name, value in credentials_api.attribute_pairs(instance)],
            "date_override": {"date": format_datetime(override.date)} if override else None,
            "created": format_datetime(instance.created),
            "modified": format_datetime(instance.modified),
            "certificate_url": self.context["site_root"] + instance.get_absolute_url(),
        }


class UserCredentialStatusSerializer(UserCredentialSerializer):
    """PUT/PATCH: only `status` can change; the other fields are ignored, as upstream."""

    username = serializers.CharField(read_only=True)
    credential = CredentialField(source="*", read_only=True)
    attributes = AttributeSerializer(many=True, read_only=True)
    date_override = serializers.JSONField(required=False, allow_null=True, write_only=True)

    def to_internal_value(self, data):
        return serializers.Serializer.to_internal_value(self, data)

    def validate_date_override(self, value):
        if value is not None:
            raise serializers.ValidationError(_("A date override can only be set by POSTing the credential."))
        return value

    def validate(self, data):
        return data


# --- Grades --------------------------------------------------------------------------------------------


class CourseRunKeyField(serializers.CharField):
    """A course run key in, resolved in the request site's catalog; the key out."""

    def run_validation(self, data=serializers.empty):
        key = super().run_validation(data)
        course_run = records_api.get_course_run(site=self.context["request"].site, key=key)
        if course_run is None:
            raise serializers.ValidationError(_("No CourseRun exists for key [{key}]").format(key=key))
        return course_run

    def to_representation(self, course_run):
        return course_run.key


# The grade's percentage on output, as the serializer's own field formats it.
_PERCENT_GRADE = serializers.DecimalField(max_digits=5, decimal_places=4)


class UserGradeSerializer(PrototypeFieldsMixin, ModelSerializer):
    course_run = CourseRunKeyField(max_length=255)
    letter_grade = serializers.CharField(max_length=255, required=False, allow_blank=True, allow_null=True)

    def to_representation(self, grade):
        # Written out (the LMS posts grades by the thousand); the same values as the declared fields give.
        return {
            "id": grade.pk,
            "username": grade.username,
            "course_run": grade.course_run.key,
            "letter_grade": grade.letter_grade,
            "percent_grade": _PERCENT_GRADE.to_representation(grade.percent_grade),
            "verified": grade.verified,
            "lms_last_updated_at": format_datetime(grade.lms_last_updated_at),
            "created": format_datetime(grade.created),
            "modified": format_datetime(grade.modified),
        }

    class Meta:
        model = UserGrade
        fields = [
            "id",
            "username",
            "course_run",
            "letter_grade",
            "percent_grade",
            "verified",
            "lms_last_updated_at",
            "created",
            "modified",
        ]
        read_only_fields = ["id", "created", "modified"]
        validators = []  # the upsert handles (username, course_run) uniqueness

    def validate_letter_grade(self, value):
        return value or ""


# --- Course certificate configurations ------------------------------------------------------------------


class CourseCertificateSerializer(ModelSerializer):
    course_id = serializers.CharField(max_length=255, validators=[validate_course_key])
    course_run = serializers.SlugRelatedField(slug_field="key", read_only=True)
    certificate_type = serializers.ChoiceField(choices=CertificateType.CHOICES)
    certificate_available_date = DateTimeField(required=False, allow_null=True, default=None)
    is_active = serializers.BooleanField(required=False, default=False)

    class Meta:
        model = CourseCertificate
        fields = [
            "id",
            "site",
            "course_id",
            "course_run",
            "certificate_type",
            "certificate_available_date",
            "is_active",
        ]
        read_only_fields = ["id", "site"]
        validators = []


# --- Learner certificate status -------------------------------------------------------------------------


class LearnerStatusRequestSerializer(serializers.Serializer):
    username = serializers.CharField(required=False, allow_null=True, allow_blank=True, max_length=150)
    # The range of core.User.lms_user_id (and of the LMS's own user ids).
    lms_user_id = serializers.IntegerField(required=False, allow_null=True, min_value=-(2**31), max_value=2**31 - 1)
    courses = serializers.ListField(child=serializers.CharField(max_length=255), required=False, max_length=1000)
    course_runs = serializers.ListField(child=serializers.CharField(max_length=255), required=False, max_length=1000)

    def validate(self, data):
        if bool(data.get("username")) == bool(data.get("lms_user_id")):
            raise serializers.ValidationError(_("Exactly one of username and lms_user_id is required."))
        return data


class LearnerStatusGradeSerializer(serializers.Serializer):
    letter_grade = serializers.CharField()
    percent_grade = serializers.FloatField()
    verified = serializers.BooleanField()


class LearnerStatusCourseRunSerializer(serializers.Serializer):
    uuid = serializers.UUIDField()
    key = serializers.CharField()


class LearnerStatusItemSerializer(serializers.Serializer):
    course_uuid = serializers.UUIDField()
    course_run = LearnerStatusCourseRunSerializer()
    status = serializers.CharField()
    type = serializers.CharField()
    certificate_available_date = DateTimeField(allow_null=True)
    grade = LearnerStatusGradeSerializer(allow_null=True)


class LearnerStatusResponseSerializer(serializers.Serializer):
    """Documentation of the response shape (the view returns plain dicts)."""

    lms_user_id = serializers.IntegerField(allow_null=True)
    username = serializers.CharField(allow_null=True)
    status = LearnerStatusItemSerializer(many=True)


class UsernameReplacementRequestSerializer(serializers.Serializer):
    username_mappings = serializers.ListField(child=serializers.DictField(child=serializers.CharField()))


class UsernameReplacementResponseSerializer(serializers.Serializer):
    successful_replacements = serializers.ListField(child=serializers.DictField(child=serializers.CharField()))
    failed_replacements = serializers.ListField(child=serializers.DictField(child=serializers.CharField()))

"""The DRF views of /api/v2/ and /api/credentials/v1/: authenticate, authorise, call the apps' api.py."""

from django.http import Http404, HttpResponse
from drf_spectacular.utils import OpenApiResponse, extend_schema
from rest_framework import mixins, permissions, status, viewsets
from rest_framework.exceptions import ValidationError
from rest_framework.response import Response
from rest_framework.views import APIView

from credentials.apps.api import serializers
from credentials.apps.api.filters import CredentialFilterBackend
from credentials.apps.api.pagination import CredentialPagination
from credentials.apps.api.permissions import (
    CredentialPermissions,
    IsLearnerStatusWorkerOrStaff,
    IsUsernameReplacementWorker,
    ModelPermissions,
)
from credentials.apps.api.request_logging import LogIncomingWritesMixin
from credentials.apps.api.throttles import CredentialRateThrottle
from credentials.apps.core.authentication import JwtAuthentication
from credentials.apps.credentials import api as credentials_api
from credentials.apps.credentials.models import CourseCertificate, UserCredential
from credentials.apps.records import api as records_api
from credentials.apps.records.models import UserGrade


class CredentialViewSet(LogIncomingWritesMixin, viewsets.ModelViewSet):
    """Learners' credentials.

    Admins issue with POST, an upsert: posting the same learner and credential again updates it and still
    answers 201. They change one with PUT or PATCH and revoke it with DELETE (credentials are never deleted).
    Learners list their own with `?username=<their username>` and read their own by uuid; another learner's
    credentials answer 403.
    """

    queryset = UserCredential.objects.all()  # the model, for permission checks; rows come from get_queryset()
    serializer_class = serializers.UserCredentialSerializer
    permission_classes = [CredentialPermissions]
    throttle_classes = [CredentialRateThrottle]
    throttle_scope = "credential_view"
    filter_backends = [CredentialFilterBackend]
    pagination_class = CredentialPagination
    lookup_field = "uuid"

    def get_queryset(self):
        if getattr(self, "swagger_fake_view", False):  # schema generation has no site
            return UserCredential.objects.none()
        queryset = credentials_api.credentials_on_site(self.request.site).select_related("date_override").order_by("id")
        return credentials_api.with_configuration_fields(queryset)

    def paginate_queryset(self, queryset):
        page = super().paginate_queryset(queryset)
        return credentials_api.load_attribute_pairs(page) if page is not None else None

    def get_serializer_class(self):
        if self.action in ("update", "partial_update"):
            return serializers.UserCredentialStatusSerializer
        return serializers.UserCredentialSerializer

    def create(self, request, *args, **kwargs):
        serializer = self.get_serializer(data=request.data)
        serializer.is_valid(raise_exception=True)
        data = serializer.validated_data
        try:
            configuration = credentials_api.resolve_configuration(site=request.site, **data["credential"])
        except credentials_api.ConfigurationError as exc:
            raise ValidationError({"credential": {exc.field: exc.message}}) from exc
        try:
            credential, _ = credentials_api.issue_credential(
                site=request.site,
                username=data["username"],
                configuration=configuration,
                status=data["status"],
                attributes=[(attribute["name"], attribute["value"]) for attribute in data.get("attributes", [])],
                date_override=(data.get("date_override") or {}).get("date"),
                lms_user_id=data.get("lms_user_id"),
                request=request,
            )
        except credentials_api.ConfigurationError as exc:  # e.g. too many attributes once merged
            raise ValidationError({exc.field: [exc.message]}) from exc
        # Always 201, also when an existing credential was updated (spec/api.md §15.1).
        return Response(self.get_serializer(credential).data, status=status.HTTP_201_CREATED)

    def perform_update(self, serializer):
        if "status" in serializer.validated_data:
            credentials_api.set_status(serializer.instance, serializer.validated_data["status"])

    @extend_schema(responses={200: serializers.UserCredentialSerializer})
    def destroy(self, request, *args, **kwargs):
        """Revokes; the credential is never deleted. 200 with the revoked credential."""
        credential = credentials_api.revoke_credential(self.get_object())
        return Response(self.get_serializer(credential).data)


class GradeViewSet(LogIncomingWritesMixin, mixins.CreateModelMixin, mixins.UpdateModelMixin, viewsets.GenericViewSet):
    """Grades sent by the LMS, JSON or form-encoded; admins only.

    POST creates or updates the grade of one learner in one course run. An update whose
    `lms_last_updated_at` is older than the stored one is ignored and answers 200 with the stored grade, so
    a late retry never overwrites a newer grade. PUT and PATCH change a grade by id.
    """

    queryset = UserGrade.objects.all()  # the model, for permission checks; rows come from get_queryset()
    serializer_class = serializers.UserGradeSerializer
    permission_classes = [ModelPermissions]
    throttle_classes = [CredentialRateThrottle]
    throttle_scope = "grade_view"

    def get_queryset(self):
        if getattr(self, "swagger_fake_view", False):
            return UserGrade.objects.none()
        return UserGrade.objects.filter(course_run__course__site=self.request.site).select_related("course_run")

    @extend_schema(
        responses={
            201: serializers.UserGradeSerializer,
            200: OpenApiResponse(serializers.UserGradeSerializer, description="Stale update: the stored grade."),
        }
    )
    def create(self, request, *args, **kwargs):
        serializer = self.get_serializer(data=request.data)
        serializer.is_valid(raise_exception=True)
        fields = dict(serializer.validated_data)
        grade, outcome = records_api.save_grade(
            username=fields.pop("username"), course_run=fields.pop("course_run"), **fields
        )
        # A stale update changes nothing: the stored grade comes back with 200 (DESIGN.md §5.3).
        response_status = status.HTTP_200_OK if outcome == "stale" else status.HTTP_201_CREATED
        return Response(self.get_serializer(grade).data, status=response_status)

    def perform_update(self, serializer):
        fields = dict(serializer.validated_data)
        try:
            records_api.update_grade(serializer.instance, **fields)
        except records_api.GradeConflict as exc:
            raise ValidationError({"non_field_errors": [str(exc)]}) from exc


class CourseCertificateViewSet(
    LogIncomingWritesMixin,
    mixins.CreateModelMixin,
    mixins.RetrieveModelMixin,
    mixins.UpdateModelMixin,
    viewsets.GenericViewSet,
):
    """Course certificate configurations, as Studio and the LMS push them; staff only.

    One configuration per course run and certificate type, addressed by its `course_id` (the run key).
    """

    serializer_class = serializers.CourseCertificateSerializer
    permission_classes = [permissions.IsAdminUser]
    lookup_field = "course_id"
    lookup_value_regex = "[^/]+"

    def get_queryset(self):
        if getattr(self, "swagger_fake_view", False):
            return CourseCertificate.objects.none()
        return CourseCertificate.objects.filter(site=self.request.site).select_related("course_run")

    def get_object(self):
        configuration = credentials_api.get_course_certificate_in_use(
            site=self.request.site, course_id=self.kwargs["course_id"]
        )
        if configuration is None:
            raise Http404("No course certificate configuration has this course id.")
        self.check_object_permissions(self.request, configuration)
        return configuration

    def perform_update(self, serializer):
        try:
            credentials_api.update_course_certificate(serializer.instance, **serializer.validated_data)
        except credentials_api.ConfigurationError as exc:
            raise ValidationError({exc.field: [exc.message]}) from exc

    def create(self, request, *args, **kwargs):
        serializer = self.get_serializer(data=request.data)
        serializer.is_valid(raise_exception=True)
        try:
            configuration, _ = credentials_api.upsert_course_certificate(site=request.site, **serializer.validated_data)
        except credentials_api.ConfigurationError as exc:
            raise ValidationError({exc.field: [exc.message]}) from exc
        return Response(self.get_serializer(configuration).data, status=status.HTTP_201_CREATED)


USERNAME_MAX_LENGTH = 150  # core.User.username; a longer name cannot be a learner's


class UsernameReplacementView(LogIncomingWritesMixin, APIView):
    """Renames learners for the retirement pipeline: every row under an old username moves to the new one.

    Only the configured username-replacement worker may call it, authenticated by a JWT.
    """

    authentication_classes = [JwtAuthentication]
    permission_classes = [IsUsernameReplacementWorker]

    @extend_schema(
        request=serializers.UsernameReplacementRequestSerializer,
        responses={
            200: serializers.UsernameReplacementResponseSerializer,
            400: OpenApiResponse(description="Empty body"),
        },
    )
    def post(self, request):
        mappings = request.data.get("username_mappings") if isinstance(request.data, dict) else None
        if not isinstance(mappings, list) or not all(
            isinstance(mapping, dict)
            and len(mapping) == 1
            and all(
                isinstance(name, str) and 0 < len(name) <= USERNAME_MAX_LENGTH
                for pair in mapping.items()
                for name in pair
            )
            for mapping in mappings
        ):
            return HttpResponse(status=400)
        successful, failed = records_api.replace_usernames(mappings)
        return Response({"successful_replacements": successful, "failed_replacements": failed})


class LearnerCertificateStatusView(APIView):
    """Which of a learner's course certificates are awarded, with their grades, for the LMS.

    The learner is named by `lms_user_id` or `username`; staff and the learner-status worker may call it.
    """

    permission_classes = [IsLearnerStatusWorkerOrStaff]

    @extend_schema(
        request=serializers.LearnerStatusRequestSerializer,
        responses={200: serializers.LearnerStatusResponseSerializer, 400: OpenApiResponse(description="Empty body")},
    )
    def post(self, request):
        serializer = serializers.LearnerStatusRequestSerializer(data=request.data)
        if not isinstance(request.data, dict) or not serializer.is_valid():
            return HttpResponse(status=400)
        return Response(records_api.learner_certificate_status(site=request.site, **serializer.validated_data))


class BulkLearnerCertificateStatusView(APIView):
    """The same for many learners at once; one bad item fails the whole request with a 400 naming it."""

    MAX_ITEMS = 1000

    permission_classes = [IsLearnerStatusWorkerOrStaff]

    @extend_schema(
        request=serializers.LearnerStatusRequestSerializer(many=True),
        responses={200: serializers.LearnerStatusResponseSerializer(many=True)},
    )
    def post(self, request):
        if not isinstance(request.data, list):
            return Response({"detail": "The body must be a JSON array of requests."}, status=400)
        if len(request.data) > self.MAX_ITEMS:
            return Response({"detail": f"At most {self.MAX_ITEMS} requests are accepted at once."}, status=400)
        items = []
        for index, item in enumerate(request.data):
            serializer = serializers.LearnerStatusRequestSerializer(data=item)
            if not isinstance(item, dict) or not serializer.is_valid():
                return Response(
                    {"detail": f"Item {index} must be an object with exactly one of username and lms_user_id."},
                    status=400,
                )
            items.append(serializer.validated_data)
        return Response(records_api.learner_certificate_statuses(site=request.site, requests=items))

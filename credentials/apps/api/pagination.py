from django.core.paginator import Page
from rest_framework.pagination import PageNumberPagination


class CredentialPagination(PageNumberPagination):
    """Page-number pagination (20 a page, `?page=`) that reads the first page in one go: the rows of page 1
    are fetched before counting, so the COUNT query is skipped when everything fits on that page, as it
    does for nearly every learner, and the rows are not read twice when it does not."""

    def paginate_queryset(self, queryset, request, view=None):
        page_size = self.get_page_size(request)
        if not page_size or request.query_params.get(self.page_query_param, "1") != "1":
            return super().paginate_queryset(queryset, request, view)
        rows = list(queryset[: page_size + 1])
        paginator = self.django_paginator_class(queryset, page_size)
        paginator.count = len(rows) if len(rows) <= page_size else queryset.count()
        self.request = request
        self.page = Page(rows[:page_size], 1, paginator)
        return list(self.page)

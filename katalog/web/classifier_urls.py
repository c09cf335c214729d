"""Routes of the classification server's pages, under `/classifiers/` in their own namespace
(`classifiers:index`, `classifiers:code`, …); the views are in `web/views/classifiers.py`."""

from django.urls import path

from katalog.web.views import classifiers

app_name = "classifiers"
urlpatterns = [
    path("", classifiers.index, name="index"),
    path("search/", classifiers.search, name="search"),
    path("correspond/", classifiers.correspond, name="correspond"),
    path("changes/", classifiers.changes, name="changes"),
    path("<slug:version>/", classifiers.version_detail, name="version"),
    path("<slug:version>/<str:code>/", classifiers.code_detail, name="code"),
]

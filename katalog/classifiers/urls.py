"""Pages of the classification server."""

from django.urls import path

from katalog.classifiers import views

app_name = "classifiers"
urlpatterns = [
    path("", views.index, name="index"),
    path("search/", views.search, name="search"),
    path("correspond/", views.correspond, name="correspond"),
    path("changes/", views.changes, name="changes"),
    path("<slug:version>/", views.version_detail, name="version"),
    path("<slug:version>/<str:code>/", views.code_detail, name="code"),
]

"""Routes of the Klass API, as in Klass's ClassificationController (ids are whole numbers)."""

from django.urls import path, re_path

from katalog.api.klass import views

app_name = "klass"
urlpatterns = [
    path("", views.index, name="index"),
    path("classifications", views.classifications, name="classifications"),
    path("classifications/search", views.search, name="search"),
    path("classifications/<int:pk>", views.classification, name="classification"),
    path("classifications/<int:pk>/codes", views.codes, name="codes"),
    path("classifications/<int:pk>/codesAt", views.codes_at, name="codes-at"),
    path("classifications/<int:pk>/changes", views.changes, name="changes"),
    path("classifications/<int:pk>/corresponds", views.corresponds, name="corresponds"),
    path("classifications/<int:pk>/correspondsAt", views.corresponds_at, name="corresponds-at"),
    path("classifications/<int:pk>/variant", views.variant_range, name="variant"),
    path("classifications/<int:pk>/variantAt", views.variant_at, name="variant-at"),
    path("versions/<int:pk>", views.version, name="version"),
    path("variants/<int:pk>", views.variant_by_id, name="variant-by-id"),
    path("correspondencetables/<int:pk>", views.correspondence_table, name="table"),
    path("classificationfamilies", views.families, name="families"),
    path("classificationfamilies/<int:pk>", views.family, name="family"),
    # The Python client asks for BASE_URL + "/ssbsections", with a doubled slash.
    re_path(r"^(?:/)?ssbsections$", views.sections, name="sections"),
    re_path(r"^(?P<rest>[\s\S]*)$", views.unknown, name="unknown"),
]

from django.contrib import admin
from django.urls import include, path

from katalog.api.main import api

urlpatterns = [
    path("admin/", admin.site.urls),
    path("api/v1/", api.urls),
    path("api/klass/v1/", include("katalog.api.klass.urls")),
    path("accounts/", include("django.contrib.auth.urls")),
    path("i18n/", include("django.conf.urls.i18n")),
    path("classifiers/", include("katalog.web.classifier_urls")),
    path("", include("katalog.web.urls")),
]

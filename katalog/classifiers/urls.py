from django.http import HttpResponse
from django.urls import path

app_name = "classifiers"
urlpatterns = [path("", lambda request: HttpResponse("classifiers"), name="index")]

"""Catalogue pages: the search box and the item page."""

from django.http import HttpRequest, HttpResponse
from django.shortcuts import render


def home(request: HttpRequest) -> HttpResponse:
    return render(request, "web/home.html", {})


def item_detail(request: HttpRequest, number: str) -> HttpResponse:
    return render(request, "web/home.html", {})

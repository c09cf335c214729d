from django.urls import path

from katalog.web.views import (
    account,
    candidates,
    catalog,
    codification,
    dashboard,
    exchange,
    jobs,
    nomenclature,
    quality_rules,
    reduction,
    reference,
    screening,
    search,
)

app_name = "web"
urlpatterns = [
    path("", catalog.home, name="home"),
    path("items/<str:number>/", catalog.item_detail_page, name="item-detail"),
    path("manufacturers/", reference.manufacturer_list, name="manufacturer-list"),
    path("manufacturers/<str:code>/", reference.manufacturer_detail, name="manufacturer-detail"),
    path("documents/", nomenclature.document_list, name="document-list"),
    path("documents/<int:document_id>/", nomenclature.document_detail, name="document-detail"),
    path("classification/", reference.classification, name="classification"),
    path(
        "classification/groups/<str:code>/",
        reference.classification_group,
        name="classification-group",
    ),
    path(
        "classification/classes/<str:code>/",
        reference.classification_class,
        name="classification-class",
    ),
    path("item-names/", reference.item_name_list, name="item-name-list"),
    path("item-names/<str:code>/", reference.item_name_detail, name="item-name-detail"),
    path("preferences/", account.preferences, name="preferences"),
    path("requests/", codification.request_list, name="request-list"),
    path("requests/new/", codification.request_new, name="request-new"),
    path("requests/reply-check/", codification.reply_check, name="reply-check"),
    path("requests/<int:request_id>/", codification.request_detail, name="request-detail"),
    path("requests/<int:request_id>/lines/new/", codification.line_new, name="line-new"),
    path(
        "requests/<int:request_id>/documents/<int:document_id>/",
        codification.request_document,
        name="request-document",
    ),
    path(
        "requests/<int:request_id>/lines/preview/", codification.line_preview, name="line-preview"
    ),
    path(
        "requests/<int:request_id>/lines/<int:position>/decide/",
        codification.line_decide,
        name="line-decide",
    ),
    path(
        "requests/<int:request_id>/<str:name>/",
        codification.request_transition,
        name="request-transition",
    ),
    path("screening/candidates/", candidates.candidate_list, name="screening-candidates"),
    path(
        "screening/candidates/<int:candidate_id>/decide/",
        candidates.candidate_decide_page,
        name="screening-candidate-decide",
    ),
    path("search/", search.search_page, name="search"),
    path("quality/", dashboard.quality_page, name="quality"),
    path("quality/rules/", quality_rules.rules_page, name="quality-rules"),
    path("quality/rules/<str:code>/", quality_rules.rule_page, name="quality-rule"),
    path("quality/reduction/", reduction.reduction_list, name="reduction"),
    path("quality/reduction/<int:job_id>/", reduction.reduction_detail, name="reduction-detail"),
    path(
        "quality/reduction/<int:job_id>/groups/<int:cluster_id>/cancel/",
        reduction.reduction_cluster_cancel,
        name="reduction-cluster-cancel",
    ),
    path("screening/list/", screening.screen_list, name="screen-list"),
    path("jobs/", jobs.job_list, name="job-list"),
    path("jobs/import/", jobs.job_import, name="job-import"),
    path("jobs/export/", jobs.job_export, name="job-export"),
    path("jobs/<int:job_id>/", jobs.job_detail, name="job-detail"),
    path("jobs/<int:job_id>/errors/", jobs.job_errors, name="job-errors"),
    path("jobs/<int:job_id>/result/", jobs.job_result, name="job-result"),
    path("exchange/", exchange.exchange_status_page, name="exchange-status"),
]

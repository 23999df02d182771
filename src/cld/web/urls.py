"""Routes. Each name needs a rule in cld.web.portal.access.ROUTES (deny by default)."""

from django.urls import path

from cld.web.api.routes import api
from cld.web.portal import administration, extracts, la_data, processing, tracing, views

urlpatterns = [
    path("login/", views.Login.as_view(), name="login"),
    path("logout/", views.logout, name="logout"),
    path("", views.home, name="home"),
    path("upload/", views.upload, name="upload"),
    path("uploads/<int:pk>/", views.upload_status, name="upload_status"),
    path("checks/<int:pk>/", views.check, name="check"),
    path("checks/<int:pk>/report.<str:fmt>", views.check_report, name="check_report"),
    path("versions/", views.versions, name="versions"),
    path("submissions/<int:pk>/", views.submission, name="submission"),
    path("submissions/<int:pk>/report.<str:fmt>", views.submission_report,
         name="submission_report"),
    path("tracker/", views.tracker, name="tracker"),
    path("api/v1/", api.urls),  # names in the "api" namespace
    path("las/<str:la>/tracing/", tracing.tracing, name="tracing"),
    path("tracing/<int:pk>/", tracing.trace_run, name="trace_run"),
    path("extracts/", extracts.extracts, name="extracts"),
    path("extracts/new/", extracts.extract_new, name="extract_new"),
    path("extracts/<int:pk>/", extracts.extract, name="extract"),
    path("extracts/<int:pk>/<str:name>", extracts.extract_file, name="extract_file"),
    path("benchmark/", extracts.benchmarks, name="benchmarks"),
    path("benchmark/<int:pk>/", extracts.benchmark, name="benchmark"),
    path("benchmark/<int:pk>/<str:name>", extracts.benchmark_file, name="benchmark_file"),
    path("las/<str:la>/", processing.la_page, name="la"),
    path("years/lock/", processing.lock, name="year_lock"),
    path("audit/", processing.audit, name="audit"),
    path("quality/", processing.quality, name="quality"),
    path("admin/users/", administration.users, name="admin_users"),
    path("admin/users/add/", administration.user_add, name="admin_user_add"),
    path("admin/users/<int:user_id>/active/", administration.user_active,
         name="admin_user_active"),
    path("admin/users/<int:user_id>/unlock/", administration.user_unlock,
         name="admin_user_unlock"),
    path("admin/orgs/", administration.orgs, name="admin_orgs"),
    path("admin/orgs/add/", administration.org_add, name="admin_org_add"),
    path("las/<str:la>/data/", la_data.la_data, name="la_data"),
    path("las/<str:la>/feedback.<str:fmt>", la_data.la_feedback_file, name="la_feedback_file"),
    path("las/<str:la>/dataset.<str:fmt>", la_data.la_dataset_file, name="la_dataset_file"),
    path("figures/", la_data.figures, name="figures"),
]

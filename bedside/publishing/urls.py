from django.contrib.sitemaps.views import sitemap
from django.urls import path
from django.views.decorators.http import require_safe

from bedside.publishing import editor, feeds, views

app_name = "publishing"

urlpatterns = [
    # public, no sign-in (listed in middleware.PUBLIC_VIEW_NAMES)
    path("learn/", views.index, name="index"),
    path("doctors/<slug:slug>/", views.profile, name="profile"),
    path("doctors/<slug:slug>/photo.jpg", views.profile_photo, name="profile_photo"),
    path("articles/<slug:slug>/", views.article, name="article"),
    path("series/<slug:slug>/", views.series, name="series"),
    path("topics/", views.topics, name="topics"),
    path("topics/<slug:slug>/", views.topic, name="topic"),
    path("comment-policy/", views.comment_policy, name="comment_policy"),
    path("feeds/articles.rss", require_safe(feeds.ArticlesRss()), name="feed_rss"),
    path("feeds/articles.atom", require_safe(feeds.ArticlesAtom()), name="feed_atom"),
    path("sitemap.xml", require_safe(sitemap), {"sitemaps": feeds.SITEMAPS}, name="sitemap"),
    path("robots.txt", views.robots_txt, name="robots"),
    # editor (signed in, care team)
    path("publishing/", editor.dashboard, name="dashboard"),
    path("publishing/articles/new/", editor.article_new, name="article_new"),
    path("publishing/preview/", editor.preview, name="preview"),
    path("publishing/articles/<int:pk>/", editor.article_detail, name="editor_article"),
    path("publishing/articles/<int:pk>/edit/", editor.article_edit, name="article_edit"),
    path("publishing/articles/<int:pk>/<slug:action>/", editor.article_action, name="article_action"),
    path("publishing/resources/", editor.resources, name="resources"),
    path("publishing/resources/new/", editor.resource_form, name="resource_new"),
    path("publishing/resources/<int:pk>/", editor.resource_form, name="resource_edit"),
    path("publishing/profiles/", editor.profiles, name="profiles"),
    path("publishing/profiles/<int:clinician_id>/", editor.profile_edit, name="profile_edit"),
    path("publishing/calendar/", editor.calendar_view, name="calendar"),
    path("publishing/channels/<int:pk>/published/", editor.channel_published, name="channel_published"),
    path("publishing/planned/<int:pk>/status/", editor.planned_post_status, name="planned_post_status"),
    path("publishing/settings/", editor.settings_view, name="settings"),
    path("publishing/settings/<int:practice_id>/", editor.settings_view, name="settings_practice"),
]

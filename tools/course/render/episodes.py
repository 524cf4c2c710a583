"""The podcast episodes index and one page per episode with its timestamps."""

from __future__ import annotations

from course.data.load import CourseData
from course.data.podcasts import display_stamp, flat_topics
from course.ground import urls
from course.ground.layout import Layout
from course.render.env import GeneratedFile, SiteContext, render_page

NAV_TITLE = "Podcasts"


def paths(layout: Layout) -> tuple[str, ...]:
    return (urls.EPISODES, "episodes/")


def exists(data: CourseData) -> bool:
    return bool(data.podcasts)


def episode_title(podcast, episode) -> str:
    return f"{podcast.short_title or podcast.title} {episode.number}: {episode.title}"


def pages(data: CourseData, ctx: SiteContext) -> list[GeneratedFile]:
    result = [render_page("episodes_index.md.j2", urls.EPISODES, title="Podcast episodes", podcasts=data.podcasts)]
    for pod in data.podcasts:
        for episode in pod.episodes:
            title = episode_title(pod.podcast, episode)
            result.append(render_page(
                "episode.md.j2", urls.episode_page(pod.podcast.id, episode.number),
                title=title, heading=title, pod=pod, episode=episode,
                topics=list(flat_topics(episode.topics)), stamp=display_stamp, bib=data.bibliography,
            ))
    return result

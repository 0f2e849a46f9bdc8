// Click-to-load for third-party videos (shortcode video(youtube=…) / video(vimeo=…)): until the
// button is pressed the page makes no request to YouTube or Vimeo. Then the placeholder is
// replaced by the provider's player (YouTube in its no-cookie mode, Vimeo with dnt=1).

const players = {
  youtube: {
    valid: (id) => /^[A-Za-z0-9_-]{11}$/.test(id),
    src: (id) => `https://www.youtube-nocookie.com/embed/${id}?autoplay=1&rel=0`,
  },
  vimeo: {
    valid: (id) => /^[0-9]{1,12}$/.test(id),
    src: (id) => `https://player.vimeo.com/video/${id}?autoplay=1&dnt=1`,
  },
};

function load(button) {
  const player = players[button.dataset.videoEmbed];
  const id = button.dataset.videoId || "";
  if (!player || !player.valid(id)) return;
  const placeholder = button.closest("[data-video-placeholder]");
  if (!placeholder) return;

  const frame = document.createElement("iframe");
  frame.src = player.src(id);
  frame.title = button.dataset.videoTitle || "Video";
  frame.allow = "autoplay; fullscreen; picture-in-picture; encrypted-media";
  // The site sends no referrer; the players need the origin to play embedded videos.
  frame.referrerPolicy = "strict-origin-when-cross-origin";
  frame.loading = "eager";

  const box = document.createElement("div");
  box.className = "video-frame";
  box.append(frame);
  placeholder.replaceWith(box);
  frame.focus();
}

for (const button of document.querySelectorAll("button[data-video-embed]")) {
  button.addEventListener("click", () => load(button), { once: true });
}

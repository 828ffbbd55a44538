/* site.js: the reader's one script, an enhancement only: the "Copy link" share link copies the
 * article's address to the clipboard and says so; without JavaScript (or a clipboard) it is a
 * plain link to the article's permanent address. */
document.addEventListener("click", function (e) {
  var link = e.target.closest && e.target.closest("a.copy-link");
  if (!link || !navigator.clipboard || !navigator.clipboard.writeText) return;
  e.preventDefault();
  var status = link.parentNode.querySelector(".copy-status");
  navigator.clipboard.writeText(link.href).then(function () {
    if (status) status.textContent = link.getAttribute("data-copied");
  }, function () {
    window.location.href = link.href; /* refused: behave as the link */
  });
});

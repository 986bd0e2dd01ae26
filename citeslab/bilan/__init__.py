"""The yearly report: data structures (donnees), one builder per table (sections), files (fichiers), SVG charts
(graphiques), the page and its downloads (views, urls)."""

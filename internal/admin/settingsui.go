package admin

import (
	_ "embed"
	"strings"

	"broadsheet/internal/news"
)

// The settings form in words (issue 8, §3): a choice shows labels with the stored
// value behind them, the time zone is picked from the tz database's zones grouped by
// region, and every setting has a help text written for the form.

// settingOption is one choice of a select: the value stored, and what the form says.
type settingOption struct {
	Value, Label string
}

// settingGroup is a group of options (<optgroup>), e.g. a time zone region.
type settingGroup struct {
	Label   string
	Options []settingOption
}

// settingChoices are the selects' options in words.
var settingChoices = map[string][]settingOption{
	news.SettingCommentModeration: {
		{"first", "Hold a commenter's first comment; publish later ones (approved before)"},
		{"all", "Hold every comment until a moderator approves it"},
		{"none", "Publish comments at once (links and blocks still hold some)"},
	},
	news.SettingCommentsClosed: {
		{"no", "Open where each article allows"},
		{"yes", "Closed on every article"},
	},
}

// settingHelp is the form's help text where news.SettingKeys' (written for the shell's
// `settings` command, in raw values) would not speak to the form.
var settingHelp = map[string]string{
	news.SettingTimezone:          "Dates on the site and in article addresses are shown in this zone.",
	news.SettingCommentModeration: "Which comments wait in the queue for a moderator before readers see them.",
	news.SettingCommentsClosed:    "Closed: no article takes new comments; the ones published stay.",
	news.SettingLeadArticle:       "The story at the top of the front page while it is published; otherwise the newest. A WordPress import sets its sticky post.",
}

//go:embed zones.txt
var zonesText string

// zoneGroups are the tz database's Area/Location zones grouped by area, and UTC.
var zoneGroups = func() []settingGroup {
	groups := []settingGroup{{Label: "Universal", Options: []settingOption{{"UTC", "UTC"}}}}
	for line := range strings.SplitSeq(zonesText, "\n") {
		if line == "" || strings.HasPrefix(line, "#") {
			continue
		}
		area, place, _ := strings.Cut(line, "/")
		if groups[len(groups)-1].Label != area {
			groups = append(groups, settingGroup{Label: area})
		}
		g := &groups[len(groups)-1]
		g.Options = append(g.Options, settingOption{line, strings.ReplaceAll(strings.ReplaceAll(place, "_", " "), "/", " – ")})
	}
	return groups
}()

// withChoices fills a field's options: a select's in words, the time zone's by region
// (a stored zone outside the list, such as US/Eastern, is kept as its own option).
func withChoices(f settingField) settingField {
	if h, ok := settingHelp[f.Key]; ok {
		f.Help = h
	}
	if opts, ok := settingChoices[f.Key]; ok {
		f.Kind, f.Choices = "select", opts
	}
	if f.Key == news.SettingTimezone {
		f.Kind, f.Groups = "zone", zoneGroups
		known := false
		for _, g := range zoneGroups {
			for _, o := range g.Options {
				known = known || o.Value == f.Value
			}
		}
		if !known && f.Value != "" {
			f.Groups = append([]settingGroup{{Label: "Set now", Options: []settingOption{{f.Value, f.Value}}}}, zoneGroups...)
		}
	}
	return f
}

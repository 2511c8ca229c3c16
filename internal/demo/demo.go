// Package demo is the content `broadsheet serve --demo` puts in an empty site: a few
// dozen stories of a fictional city, Harbourside, with threaded comments, written for
// Broadsheet so that a new site shows every kind of page at once.
package demo

import (
	"fmt"
	"strings"
	"time"

	"broadsheet/internal/news"
	"broadsheet/internal/render"
)

// Source is the news.Article Source of demo content.
const Source = "demo"

// Settings are the demo site's words.
var Settings = map[string]string{
	"title":        "The Harbourside Courier",
	"tagline":      "News from the city by the estuary, since 1887",
	"social_links": "Mastodon https://mastodon.example/@courier\nBluesky https://bsky.example/profile/courier\nFacebook https://facebook.example/courier",
}

type story struct {
	section, title, standfirst string
	tags                       []string
	paras                      []string
}

var authors = []news.Author{
	{Name: "Mira Okafor", Email: "mira@courier.example", Bio: "Mira covers the city council and the port."},
	{Name: "Tomás Ferreira", Email: "tomas@courier.example", Bio: "Tomás writes about business and technology."},
	{Name: "Ella Lindqvist", Email: "ella@courier.example", Bio: "Ella is the Courier's science and environment correspondent."},
	{Name: "Sam O'Neill", Email: "sam@courier.example", Bio: "Sam covers sport, culture and everything in between."},
}

var stories = []story{
	{"City", "Council approves a new footbridge across the estuary", "The bridge will link the old docks to the Northbank district by 2028, cutting a forty-minute walk to six.",
		[]string{"Transport", "Council"}, []string{
			"After three hours of debate, councillors voted 31 to 12 on Tuesday night to build a pedestrian and cycle bridge between Quay Street and the Northbank ferry landing.",
			"\"People have been asking for this since the ferry timetable was cut,\" said the council's transport lead, Dana Whitcombe. \"It's the cheapest way to join two halves of the city that have drifted apart.\"",
			"The design keeps a clear channel of 22 metres for river traffic -- a condition set by the harbour authority -- and the central span lifts for tall ships twice a year.",
			"> We didn't want a monument. We wanted a bridge people would use on a wet Tuesday in February.",
			"Opponents questioned the cost, put at 38 million, and asked whether the ferry could be restored instead. The council says construction will begin next spring."}},
	{"City", "Night buses return to three routes after a two-year gap", "Hospital and hospitality workers had campaigned for the late services since they were withdrawn in 2024.",
		[]string{"Transport"}, []string{
			"From the first Friday of next month, buses will again run every half hour between midnight and 5am on routes 4, 11 and 22.",
			"The services were cut when the operator could not find enough drivers. A new pay agreement signed in the summer has filled 40 vacancies.",
			"\"I used to walk home from the hospital at two in the morning,\" said Priya Natarajan, a theatre nurse. \"This is going to change a lot of lives, quietly.\""}},
	{"City", "Library's oldest map goes on show after restoration", "The 1712 chart of the estuary spent eighteen months in the conservation studio.",
		[]string{"Heritage", "Culture"}, []string{
			"The map, drawn by a harbour pilot who signed himself only \"J.W.\", shows sandbanks that vanished two centuries ago and a chapel on an island that is now a car park.",
			"Conservators removed a layer of varnish added in the 1920s that had turned the sea brown. \"Underneath, the water is a startling blue,\" said the library's head of collections.",
			"The map will be on display in the reading room until March; entry is free."}},
	{"Politics", "Mayor sets out a budget built around housing repairs", "Damp and mould in council homes will get the largest share of new spending.",
		[]string{"Housing", "Council"}, []string{
			"Mayor Ruth Adeyemi presented a budget on Thursday that puts 14 million into repairs, more than the city spends on roads.",
			"\"A home that makes children ill is not a home,\" she told the chamber. The opposition welcomed the aim but said the plan relied on grants that have not been promised.",
			"The budget also freezes parking charges and funds two new youth centres. A final vote is due in February."}},
	{"Politics", "Turnout doubled in the Eastfield by-election", "A postal-vote campaign run by students is credited with the rise.",
		[]string{"Elections"}, []string{
			"Almost 41 per cent of voters took part in last week's by-election, against 19 per cent at the last contest in the ward.",
			"The winning candidate, independent Marcus Hale, won by 212 votes. He thanked \"everyone who thought their vote wouldn't matter, and voted anyway.\"",
			"Students at the university's politics society had knocked on 6,000 doors explaining how to register for a postal vote."}},
	{"Politics", "Council to publish every contract over 5,000 online", "The change follows a row over a consultancy deal that councillors say they never saw.",
		[]string{"Council", "Transparency"}, []string{
			"From January, the council will publish the full text of every contract worth more than 5,000 within 30 days of signing it.",
			"The decision follows reporting by the Courier on a 400,000 consultancy contract that was never put before the audit committee.",
			"\"Sunlight is a good habit,\" said the committee's chair. \"We should never have needed a newspaper to tell us what we had bought.\""}},
	{"Business", "Shipyard wins its first order in a decade", "Two electric ferries will be built on the slipway that closed in 2016.",
		[]string{"Port", "Jobs"}, []string{
			"Estuary Marine has signed a contract to build two battery-electric passenger ferries for a Norwegian operator, bringing an estimated 180 jobs to the yard.",
			"The company's chief executive said the city's engineering college had been decisive: \"We can hire welders who already know battery systems. That is rare.\"",
			"> We are not reopening a museum. This is a new kind of shipbuilding.",
			"The first hull is due to be laid in April."}},
	{"Business", "Independent shops outlast the chains on the high street", "Vacancy rates on Market Street are the lowest since 2015, a survey finds.",
		[]string{"Retail", "Economy"}, []string{
			"Only four of the 86 units on Market Street stand empty, according to the traders' association, down from 19 three years ago.",
			"Most of the new tenants are small businesses: a repair café, two bakeries, a bicycle workshop and a shop selling nothing but maps.",
			"Lower rents after the chains left did much of the work, the association says, but so did a council scheme that waived business rates for a year."}},
	{"Business", "Port traffic rises for a third year", "Container volumes grew 6 per cent, while cruise calls fell.",
		[]string{"Port", "Economy", "Trade"}, []string{
			"The harbour authority handled 412,000 containers last year, its highest total since records began in their current form.",
			"Cruise ship visits fell from 48 to 31, after the city introduced a passenger levy to pay for cleaning and transport.",
			"The authority said the drop was \"a trade we are comfortable with\": cruise visitors had spent less in the city than hoped."}},
	{"Technology", "City's open data portal goes live with bus times and bin days", "Developers have already built three apps on the new feeds.",
		[]string{"Open data", "Transport"}, []string{
			"The portal publishes real-time bus positions, bin collection days, planning applications and air-quality readings under an open licence.",
			"Within a week of launch, a sixth-form student had built a site that tells you which bin to put out, and when, from your postcode.",
			"\"We should have done this years ago,\" said the council's digital lead. \"The data was always the public's.\""}},
	{"Technology", "Fibre broadband reaches the last rural parishes", "A community-owned network connected 1,100 homes that commercial providers had skipped.",
		[]string{"Broadband"}, []string{
			"Volunteers dug much of the trench themselves, across fields whose owners agreed to waive wayleave fees.",
			"Speeds of a gigabit are now available in villages that, until this autumn, struggled to stream a video call.",
			"The co-operative says any profit will be used to cut prices rather than paid out."}},
	{"Technology", "University spin-out teaches robots to sort recycling", "The system picks out the plastics that sorting plants usually send to landfill.",
		[]string{"AI", "Recycling"}, []string{
			"A camera above the conveyor belt identifies each item and a small arm moves it to the right bin at up to 60 picks a minute.",
			"In trials at the city's recycling plant, the share of plastic that could be sold on rose from 54 to 81 per cent.",
			"The founders say the hard part was not the software but the mess: \"Real rubbish is wet, squashed and covered in yoghurt.\""}},
	{"Science", "Seals return to the estuary in record numbers", "Volunteers counted 212 grey seals on the sandbanks at low tide.",
		[]string{"Wildlife", "Environment"}, []string{
			"The annual count, run since 1994, has risen every year for a decade as water quality improved.",
			"\"Twenty years ago you'd be lucky to see one,\" said Ella Morgan, who has taken part in every count. \"Now they watch us back.\"",
			"Boat operators are being asked to keep 100 metres from the banks during the pupping season."}},
	{"Science", "Flood model shows where the river will rise by 2050", "Researchers published street-level maps so residents can check their own homes.",
		[]string{"Climate", "Flooding"}, []string{
			"The model combines tide records, rainfall forecasts and a laser survey of every street in the flood plain.",
			"About 2,300 homes face a greater risk of flooding by mid-century, most of them in Lowtown, the study finds.",
			"> The point of a map like this is to be proved wrong, because people acted on it.",
			"The council says it will use the maps to decide where to build the next flood walls."}},
	{"Science", "Schoolchildren help find a comet", "A class in Northbank spotted the faint object in images from the university's telescope.",
		[]string{"Space", "Education"}, []string{
			"The pupils, aged 12 and 13, were checking images for asteroids as part of a citizen-science project when they noticed a smudge that moved.",
			"Astronomers confirmed it as a previously unknown comet. It will be named after the observatory, but the class has been credited with the discovery.",
			"\"They were very calm about it,\" said their teacher. \"Then they ran round the playground for ten minutes.\""}},
	{"Culture", "Harbour festival draws its biggest crowd", "Forty thousand people came for three days of music on the water.",
		[]string{"Music", "Festival"}, []string{
			"Bands played from a barge moored off the old customs house while audiences watched from the quays and from small boats.",
			"Organisers said the free event had cost less than the previous year's thanks to volunteers and a local brewery's sponsorship.",
			"The closing night ended with a singalong of the city's unofficial anthem, \"Down by the Estuary\"."}},
	{"Culture", "Theatre reopens after a roof repair that took four years", "The Victorian auditorium's plaster ceiling has been restored by hand.",
		[]string{"Theatre", "Heritage"}, []string{
			"The Playhouse closed in 2022 when a section of plaster fell into the stalls during a rehearsal. No one was hurt.",
			"Craftspeople recast 3,000 pieces of ornament using moulds taken from the surviving ceiling.",
			"The first production is a new play about the shipyard strike of 1911, written by a former welder."}},
	{"Culture", "Novel about the ferry wins the city's book prize", "The judges called it \"a love letter to a journey that takes eleven minutes.\"",
		[]string{"Books"}, []string{
			"Hannah Kowalski's debut follows the crew of the Northbank ferry through one year, from a winter storm to its last crossing.",
			"The author worked on the ferry for six summers as a student. \"Everything in the book happened,\" she said. \"Just not to the same people.\"",
			"The prize is worth 5,000 and a year's free library membership, which the winner said she already had."}},
	{"Sport", "Harbourside FC promoted on the last day of the season", "A stoppage-time header sent the club up for the first time since 1998.",
		[]string{"Football"}, []string{
			"Needing a win, Harbourside were drawing 1-1 until captain Jo Mensah rose to meet a corner in the 94th minute.",
			"\"I didn't see it go in,\" Mensah said. \"I just heard the noise.\"",
			"The club will now play in the regional premier division, with home games against sides it has not met in a generation."}},
	{"Sport", "Rowing club's women's eight wins the national title", "The crew trained on the estuary at dawn through the winter.",
		[]string{"Rowing"}, []string{
			"The eight, whose members include a GP, two teachers and a harbour pilot, beat the favourites by a length and a half.",
			"Their coach credited the tides: \"If you can row on the estuary in January, you can row anywhere.\"",
			"The club is appealing for funds to replace its 30-year-old boat."}},
	{"Sport", "City marathon will finish on the new quay", "The route changes to take in the docks and both banks of the river.",
		[]string{"Running"}, []string{
			"Organisers say the new course is flatter and faster, and passes more of the places that matter to the city.",
			"Entries open on Monday. Places for local runners are held back for the first week.",
			"Roads along the route will close between 7am and 2pm on race day."}},
	{"Opinion", "The footbridge is a good idea. Let's not make it an expensive one", "A bridge that is built on time matters more than a bridge that wins prizes.",
		[]string{"Transport", "Council"}, []string{
			"The city has a weakness for grand designs that arrive late and over budget. The new footbridge should be the exception.",
			"The design approved this week is modest, and that is its strength. The council should resist every temptation to make it grander.",
			"If the bridge opens in 2028 as promised, it will change daily life in Northbank more than any project in a generation."}},
	{"Opinion", "Why we publish every correction at the top of the story", "Readers deserve to see what we got wrong, not discover it.",
		[]string{"Media", "Transparency"}, []string{
			"When we make a mistake, we correct the article and say so at the top, with the date. We do not quietly change the words.",
			"Some readers ask whether this makes us look careless. We think it does the opposite: it shows we are checking.",
			"If you spot an error, write to the editor. Every message is read."}},
	{"Opinion", "A city that reads is a city that argues well", "The library's late opening hours are worth every penny.",
		[]string{"Books", "Council"}, []string{
			"Since the central library began opening until 9pm, evening visits have tripled. Students, shift workers and the lonely have found a warm, quiet place.",
			"In a budget year of hard choices, it would be easy to cut the hours back. It would also be a mistake.",
			"A library is the only indoor public space where nobody expects you to buy anything."}},
	{"City", "Allotment waiting list falls as new plots open", "Two hundred plots on former railway land were handed over this week.",
		[]string{"Environment", "Council"}, []string{
			"The waiting list, which once stretched to seven years, is now about eighteen months.",
			"New plot holders include a primary school, a refugee support group and a retired railwayman who worked on the same land in the 1970s.",
			"\"I used to fix engines here,\" he said. \"Now I'm growing leeks.\""}},
	{"Business", "Bakery chain pledges to pay the real living wage", "All 140 staff will get a rise from January.",
		[]string{"Jobs", "Economy"}, []string{
			"Crust & Co, which has nine shops in the city, is the largest local employer yet to sign up to the voluntary standard.",
			"Its owner said the decision was \"overdue, and good business\": staff turnover fell sharply at two shops where pay was raised in a trial.",
			"The company will not raise bread prices to pay for the rise, she said."}},
	{"Science", "Air quality on the ring road improves after the low-traffic trial", "Nitrogen dioxide fell by a fifth during the six-month scheme.",
		[]string{"Environment", "Health", "Transport"}, []string{
			"Sensors on 24 lampposts recorded the fall, which was largest near the two primary schools on Albert Road.",
			"Traffic on the surrounding streets rose slightly at first but settled within eight weeks, the council's report says.",
			"Residents will be asked whether to make the scheme permanent in a consultation next month."}},
	{"World", "Sister city in Portugal sends a tall ship for the regatta", "The three-masted training ship will moor at the new quay for a week.",
		[]string{"Port", "Festival"}, []string{
			"The Vento Norte, which trains cadets from the port city of Aveira, will be open to visitors every afternoon.",
			"The two cities were twinned in 1962, when a Harbourside trawler rescued the crew of a Portuguese fishing boat in a storm.",
			"A descendant of the trawler's skipper will be on the quay to welcome the ship."}},
	{"World", "Estuary cities meet to share flood defences", "Engineers from six countries gathered at the university.",
		[]string{"Climate", "Flooding"}, []string{
			"Delegates from Rotterdam, Hamburg, Gdańsk and three other cities compared sea walls, sluices and the harder question of who pays for them.",
			"\"Every river is different, but every council has the same argument,\" said the conference's organiser.",
			"The cities agreed to publish their flood models openly, following Harbourside's lead."}},
	{"Politics", "Youth council asks for a seat on the transport committee", "Teenagers say they are the city's biggest bus users and should have a say.",
		[]string{"Council", "Transport", "Education"}, []string{
			"Members of the youth council presented a petition with 3,400 signatures to the full council on Wednesday.",
			"\"We're on the buses every day,\" said its chair, aged 16. \"We know which ones are late.\"",
			"The mayor said she would ask the committee to co-opt a non-voting youth member from January."}},
}

var commenters = []struct{ name, email, url string }{
	{"Jan de Vries", "jan@readers.example", ""},
	{"Aoife Byrne", "aoife@readers.example", "https://aoife.example"},
	{"Kwame Mensah", "kwame@readers.example", ""},
	{"Léa Martin", "lea@readers.example", ""},
	{"Old Docker", "docker@readers.example", ""},
}

var remarks = []string{
	"Good to see this finally happening. It's been talked about for as long as I've lived here.",
	"I'd like to know more about the costs before I cheer. Does anyone have the council papers?",
	"The papers are on the council's website, under the committee's meeting of the 14th.",
	"My grandfather worked on the docks and would have loved to read this.",
	"Thank you for covering this properly -- most outlets only ran the press release.",
	"Disagree with the opinion here, but it's a fair argument, fairly made.",
	"Will there be step-free access? That matters as much as anything else.",
	"Yes, according to the plans there are ramps at both ends.",
}

// Items returns the demo stories, newest last, published hourly up to now.
func Items(now time.Time) []news.ImportItem {
	start := now.Truncate(time.Hour).Add(-time.Duration(len(stories)) * 5 * time.Hour)
	var items []news.ImportItem
	for i, st := range stories {
		md := strings.Join(st.paras, "\n\n")
		body, err := render.Markdown(md)
		if err != nil {
			panic(err) // our own text
		}
		published := start.Add(time.Duration(i) * 5 * time.Hour)
		author := authors[i%len(authors)]
		a := &news.Article{
			Slug: news.Slugify(st.title), Title: st.title, Standfirst: st.standfirst,
			BodyMarkdown: md, BodyHTML: body, Status: news.StatusPublished,
			PublishedAt: published, CreatedAt: published, Author: &author,
			Section: &news.Section{Name: st.section}, Source: Source, SourceID: fmt.Sprint(i + 1),
		}
		for _, t := range st.tags {
			a.Tags = append(a.Tags, &news.Tag{Name: t})
		}
		if i == 0 {
			a.UpdatedAt = published.Add(3 * time.Hour)
			a.CorrectionNote = "Correction: an earlier version of this article gave the bridge's clearance as 12 metres. It is 22 metres."
		}
		item := news.ImportItem{Article: a}
		for j := 0; j < (i*7)%5; j++ { // a varied number of comments, some threaded
			who := commenters[(i+j)%len(commenters)]
			c := &news.Comment{
				Status: news.CommentApproved, AuthorName: who.name, AuthorEmail: who.email, AuthorURL: who.url,
				Body: remarks[(i+j)%len(remarks)], CreatedAt: published.Add(time.Duration(j+1) * 17 * time.Minute),
				Source: Source, SourceID: fmt.Sprint(j + 1),
			}
			if j%2 == 1 {
				c.ParentSourceID = fmt.Sprint(j)
			}
			c.BodyHTML = render.Comment(c.Body)
			item.Comments = append(item.Comments, c)
		}
		items = append(items, item)
	}
	return items
}

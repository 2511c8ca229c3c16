// Command wxrgen writes a generated WordPress export (wxr.WriteSample) to stdout for
// bench/wxr:
//
//	go run ./bench/wxrgen -posts 100000 -comments 500000 > gen.xml
package main

import (
	"flag"
	"fmt"
	"os"

	"broadsheet/internal/wxr"
)

func main() {
	posts := flag.Int("posts", 1000, "published posts")
	comments := flag.Int("comments", 0, "comments spread over the posts (default: five a post)")
	flag.Parse()
	if *comments == 0 {
		*comments = 5 * *posts
	}
	if err := wxr.WriteSample(os.Stdout, *posts, *comments); err != nil {
		fmt.Fprintln(os.Stderr, "wxrgen:", err)
		os.Exit(1)
	}
}

package profile

import (
	"errors"
	"fmt"
	"io"
	"os"
	"path/filepath"
	"sort"
	"strconv"
	"strings"
	"syscall"
	"time"

	"github.com/gonix/gonix/store"
)

// Generation is one NAME-N-link of a profile.
type Generation struct {
	Number  int
	Link    string // the physical path of NAME-N-link
	Target  string // the store path it points to
	Created time.Time
}

// parseName returns N for "NAME-N-link", or false.
func parseName(profileName, name string) (int, bool) {
	rest, ok := strings.CutPrefix(name, profileName+"-")
	if !ok {
		return 0, false
	}
	num, ok := strings.CutSuffix(rest, "-link")
	if !ok {
		return 0, false
	}
	n, err := strconv.Atoi(num)
	if err != nil || n < 0 || strings.HasPrefix(num, "+") {
		return 0, false
	}
	return n, true
}

// Generations lists the generations of the profile at path (a physical
// path such as R/nix/var/nix/profiles/per-user/root/profile), sorted by
// number, and the current one (0 when the profile does not exist).
func Generations(profile string) ([]Generation, int, error) {
	dir, name := filepath.Dir(profile), filepath.Base(profile)
	entries, err := os.ReadDir(dir)
	if err != nil {
		if errors.Is(err, os.ErrNotExist) {
			return nil, 0, nil
		}
		return nil, 0, fmt.Errorf("reading profile directory: %w", err)
	}
	var gens []Generation
	for _, e := range entries {
		n, ok := parseName(name, e.Name())
		if !ok {
			continue
		}
		link := filepath.Join(dir, e.Name())
		fi, err := os.Lstat(link)
		if err != nil {
			continue
		}
		target, _ := os.Readlink(link)
		gens = append(gens, Generation{Number: n, Link: link, Target: target, Created: fi.ModTime()})
	}
	sort.Slice(gens, func(i, j int) bool { return gens[i].Number < gens[j].Number })
	cur := 0
	if t, err := os.Readlink(profile); err == nil {
		if n, ok := parseName(name, filepath.Base(t)); ok {
			cur = n
		}
	}
	return gens, cur, nil
}

// lock takes the profile's lock ("<profile>.lock", flock) until release.
func lock(profile string) (func(), error) {
	if err := os.MkdirAll(filepath.Dir(profile), 0o755); err != nil {
		return nil, err
	}
	f, err := os.OpenFile(profile+".lock", os.O_RDWR|os.O_CREATE, 0o600)
	if err != nil {
		return nil, fmt.Errorf("locking profile %s: %w", profile, err)
	}
	if err := syscall.Flock(int(f.Fd()), syscall.LOCK_EX); err != nil {
		f.Close()
		return nil, fmt.Errorf("locking profile %s: %w", profile, err)
	}
	return func() {
		os.Remove(f.Name())
		f.Close()
	}, nil
}

// CreateGeneration adds a generation NAME-(max+1)-link pointing to
// storePath (unless the last generation already points there) and
// registers it as a GC root. It returns the generation's link path.
func CreateGeneration(s *store.Store, profile, storePath string) (string, error) {
	gens, _, err := Generations(profile)
	if err != nil {
		return "", err
	}
	num := 0
	if len(gens) > 0 {
		last := gens[len(gens)-1]
		if last.Target == storePath {
			return last.Link, nil
		}
		num = last.Number
	}
	link := fmt.Sprintf("%s-%d-link", profile, num+1)
	if strings.HasPrefix(link, s.ProfilesDir()+"/") || strings.HasPrefix(link, s.GCRootsDir()+"/") {
		// Found by the collector directly.
		if err := store.ReplaceSymlink(storePath, link); err != nil {
			return "", fmt.Errorf("creating generation: %w", err)
		}
		return link, nil
	}
	if _, err := s.AddPermRoot(storePath, link); err != nil {
		return "", fmt.Errorf("creating generation: %w", err)
	}
	return link, nil
}

// SwitchLink makes profile point to the generation link (relatively when
// they share a directory).
func SwitchLink(profile, genLink string) error {
	target := genLink
	if filepath.Dir(genLink) == filepath.Dir(profile) {
		target = filepath.Base(genLink)
	}
	return store.ReplaceSymlink(target, profile)
}

// Install makes storePath (a user environment) the profile's new current
// generation. It returns the new generation's number.
func Install(s *store.Store, profile, storePath string) (int, error) {
	unlock, err := lock(profile)
	if err != nil {
		return 0, err
	}
	defer unlock()
	link, err := CreateGeneration(s, profile, storePath)
	if err != nil {
		return 0, err
	}
	if err := SwitchLink(profile, link); err != nil {
		return 0, err
	}
	n, _ := parseName(filepath.Base(profile), filepath.Base(link))
	return n, nil
}

// Switch makes generation to current; with to == 0 it rolls back to the
// newest generation older than the current one. It logs "switching
// profile from version A to B" and returns both numbers.
func Switch(profile string, to int, log io.Writer) (from, dst int, err error) {
	unlock, err := lock(profile)
	if err != nil {
		return 0, 0, err
	}
	defer unlock()
	gens, cur, err := Generations(profile)
	if err != nil {
		return 0, 0, err
	}
	var target *Generation
	for i := range gens {
		g := &gens[i]
		if (to == 0 && g.Number < cur) || (to != 0 && g.Number == to) {
			target = g
		}
	}
	if target == nil {
		if to != 0 {
			return cur, 0, fmt.Errorf("profile version %d does not exist", to)
		}
		return cur, 0, fmt.Errorf("no profile version older than the current (%d) exists", cur)
	}
	if log != nil {
		fmt.Fprintf(log, "switching profile from version %d to %d\n", cur, target.Number)
	}
	return cur, target.Number, SwitchLink(profile, target.Link)
}

// DeleteGenerations removes the given generations (never the current one),
// logging "removing profile version N".
func DeleteGenerations(profile string, nums []int, log io.Writer) error {
	unlock, err := lock(profile)
	if err != nil {
		return err
	}
	defer unlock()
	gens, cur, err := Generations(profile)
	if err != nil {
		return err
	}
	del := map[int]bool{}
	for _, n := range nums {
		del[n] = true
	}
	if del[cur] {
		return fmt.Errorf("cannot delete current version of profile '%s'", profile)
	}
	for _, g := range gens {
		if del[g.Number] {
			if log != nil {
				fmt.Fprintf(log, "removing profile version %d\n", g.Number)
			}
			if err := os.Remove(g.Link); err != nil && !errors.Is(err, os.ErrNotExist) {
				return err
			}
		}
	}
	return nil
}

// WipeHistory deletes every generation but the current one; with
// olderThan > 0 only those created before now-olderThan (keeping the
// newest of them, which existed at that time, like Nix).
func WipeHistory(profile string, olderThan time.Duration, log io.Writer) error {
	gens, cur, err := Generations(profile)
	if err != nil {
		return err
	}
	var nums []int
	if olderThan <= 0 {
		for _, g := range gens {
			if g.Number != cur {
				nums = append(nums, g.Number)
			}
		}
	} else {
		limit := time.Now().Add(-olderThan)
		i := len(gens) - 1
		for i >= 0 && !gens[i].Created.Before(limit) {
			i--
		}
		// gens[i] existed at the limit: keep it.
		for i--; i >= 0; i-- {
			if gens[i].Number != cur {
				nums = append(nums, gens[i].Number)
			}
		}
		sort.Ints(nums)
	}
	return DeleteGenerations(profile, nums, log)
}

package flake

import (
	"fmt"
	"os"
)

// commitMessage is the message of a --commit-lock-file commit, as Nix
// writes it: the summary (commit-lock-file-summary, by default
// "REL: Update", or "REL: Add" for a new lock file), a blank line,
// "Flake lock file updates:", a blank line and the uncoloured diff.
func commitMessage(rel string, existed bool, summary, diff string) string {
	if summary == "" {
		verb := "Add"
		if existed {
			verb = "Update"
		}
		summary = rel + ": " + verb
	}
	return summary + "\n\nFlake lock file updates:\n\n" + diff
}

// gitCommitFile commits the work-tree content of rel (a path relative to
// the work tree repo) and nothing else: other staged changes stay staged
// and uncommitted, as with Nix's `git commit PATH -F FILE`.
func gitCommitFile(repo, rel, msg string) error {
	f, err := os.CreateTemp("", "gonix-commit-msg-")
	if err != nil {
		return err
	}
	defer os.Remove(f.Name())
	_, err = f.WriteString(msg)
	if cerr := f.Close(); err == nil {
		err = cerr
	}
	if err != nil {
		return fmt.Errorf("writing the commit message: %w", err)
	}
	if _, err := git(repo, "commit", "-q", "-F", f.Name(), "--", rel); err != nil {
		return err
	}
	return nil
}

package dev.syncnode.cluster;

import java.util.ArrayList;
import java.util.HashMap;
import java.util.Iterator;
import java.util.LinkedHashMap;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.TreeMap;

/**
 * The master's tasks, bounded: at most {@code maxTasks} entries. When full, the oldest finished task
 * makes room; finished tasks also expire after {@code retainMs}. Unfinished tasks are never evicted (a
 * table full of them refuses new tasks). Each task gets a sequence number in creation order, the
 * cursor of {@link #page}. Not thread-safe: owned by the task manager's event loop.
 */
final class TaskTable {
  static final int DEFAULT_MAX_TASKS = 10_000;
  static final long DEFAULT_RETAIN_MS = 60 * 60 * 1000L;

  private final int maxTasks;
  private final long retainMs;
  /** Insertion order = creation order. */
  private final LinkedHashMap<String, Task> tasks = new LinkedHashMap<>();
  private final Set<String> unfinished = new LinkedHashSet<>();
  /** Creation sequence number -> task id, and back: pages walk it newest first. */
  private final TreeMap<Long, String> bySeq = new TreeMap<>();
  private final Map<String, Long> seqOf = new HashMap<>();
  private long nextSeq = 1;

  TaskTable(int maxTasks, long retainMs) {
    if (maxTasks < 1) {
      throw new IllegalArgumentException("maxTasks must be positive");
    }
    this.maxTasks = maxTasks;
    this.retainMs = retainMs;
  }

  /** Adds a new task, evicting the oldest finished one when full; false when every slot is unfinished. */
  boolean add(Task task) {
    if (tasks.size() >= maxTasks && !evictOldestFinished()) {
      return false;
    }
    tasks.put(task.id(), task);
    bySeq.put(nextSeq, task.id());
    seqOf.put(task.id(), nextSeq++);
    track(task);
    return true;
  }

  /** Replaces a known task; unknown ids (evicted) are ignored. */
  void update(Task task) {
    if (tasks.containsKey(task.id())) {
      tasks.put(task.id(), task);
      track(task);
    }
  }

  Task get(String id) {
    return tasks.get(id);
  }

  int size() {
    return tasks.size();
  }

  /** Snapshot of the unfinished tasks, oldest first. */
  List<Task> unfinished() {
    List<Task> out = new ArrayList<>(unfinished.size());
    for (String id : unfinished) {
      out.add(tasks.get(id));
    }
    return out;
  }

  /** The tasks matching the query, newest first (at most {@link TaskQuery#MAX_LIMIT} of them). */
  TaskPage page(TaskQuery q) {
    int limit = Math.min(q.limit(), TaskQuery.MAX_LIMIT);
    List<Task> out = new ArrayList<>();
    Map<Long, String> older = q.before() == null ? bySeq.descendingMap()
        : bySeq.headMap(q.before(), false).descendingMap();
    int skipped = 0;
    long last = -1;
    for (Map.Entry<Long, String> e : older.entrySet()) {
      Task t = tasks.get(e.getValue());
      if ((q.spiderId() != null && !q.spiderId().equals(t.spiderId()))
          || (q.status() != null && t.status() != q.status())) {
        continue;
      }
      if (skipped < q.offset()) {
        skipped++;
        continue;
      }
      if (out.size() == limit) {
        return new TaskPage(out, last); // one more matches: there is a next page
      }
      out.add(t);
      last = e.getKey();
    }
    return new TaskPage(out, null);
  }

  /** Removes finished tasks last changed before {@code nowMs - retainMs}; answers how many. */
  int expire(long nowMs) {
    int removed = 0;
    Iterator<Map.Entry<String, Task>> it = tasks.entrySet().iterator();
    while (it.hasNext()) {
      Task t = it.next().getValue();
      if (t.status().finished() && t.updatedAt() < nowMs - retainMs) {
        it.remove();
        bySeq.remove(seqOf.remove(t.id()));
        removed++;
      }
    }
    return removed;
  }

  private void track(Task task) {
    if (task.status().finished()) {
      unfinished.remove(task.id());
    } else {
      unfinished.add(task.id());
    }
  }

  private boolean evictOldestFinished() {
    Iterator<Map.Entry<String, Task>> it = tasks.entrySet().iterator();
    while (it.hasNext()) {
      Task t = it.next().getValue();
      if (t.status().finished()) {
        it.remove();
        bySeq.remove(seqOf.remove(t.id()));
        return true;
      }
    }
    return false;
  }
}

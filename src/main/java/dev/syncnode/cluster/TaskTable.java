package dev.syncnode.cluster;

import java.util.ArrayList;
import java.util.Iterator;
import java.util.LinkedHashMap;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;

/**
 * The master's tasks, bounded: at most {@code maxTasks} entries. When full, the oldest finished task
 * makes room; finished tasks also expire after {@code retainMs}. Unfinished tasks are never evicted (a
 * table full of them refuses new tasks). Not thread-safe: owned by the task manager's event loop.
 */
final class TaskTable {
  static final int DEFAULT_MAX_TASKS = 10_000;
  static final long DEFAULT_RETAIN_MS = 60 * 60 * 1000L;

  private final int maxTasks;
  private final long retainMs;
  /** Insertion order = creation order. */
  private final LinkedHashMap<String, Task> tasks = new LinkedHashMap<>();
  private final Set<String> unfinished = new LinkedHashSet<>();

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

  /** Removes finished tasks last changed before {@code nowMs - retainMs}; answers how many. */
  int expire(long nowMs) {
    int removed = 0;
    Iterator<Map.Entry<String, Task>> it = tasks.entrySet().iterator();
    while (it.hasNext()) {
      Task t = it.next().getValue();
      if (t.status().finished() && t.updatedAt() < nowMs - retainMs) {
        it.remove();
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
      if (it.next().getValue().status().finished()) {
        it.remove();
        return true;
      }
    }
    return false;
  }
}

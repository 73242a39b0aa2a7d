/*
 * An interface of seam.shs that does NOT extend Shareable, implemented by the same object as
 * Counter: a client that casts the shared object to it must not be able to call it
 * (JCRE §6.2.4.2: only the methods of Shareable interfaces are reachable across the firewall).
 */
package seam.shs;

public interface Secret {
    short leak();
}

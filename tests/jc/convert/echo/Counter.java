/* An interface of the echo test package: gives the converter an IMETHOD constant. */
package com.seam.test.echo;

public interface Counter {
    short next();
}
